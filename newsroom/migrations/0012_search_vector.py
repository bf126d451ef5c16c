from importlib import import_module

from django.db import migrations

search_postgres = import_module("newsroom.migrations.0006_search_postgres")
PostgreSQLOnlySQL = search_postgres.PostgreSQLOnlySQL
TABLES = search_postgres.TABLES
VECTOR = search_postgres.VECTOR


def stored_vector(table: str) -> PostgreSQLOnlySQL:
    """The vector of 0006's expression index, stored in a column that PostgreSQL keeps up to date itself.

    Ranking reads it instead of parsing each matching row's whole text again, and ANALYZE gathers statistics
    of its words, which an expression index does not give the planner. The column is not a model field:
    Django never writes or reads it except in ``newsroom.search``, and other databases do without it.
    """
    return PostgreSQLOnlySQL(
        [
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
            f"CREATE INDEX {table}_stored_vector ON {table} USING gin (search_vector)",
            f"DROP INDEX IF EXISTS {table}_search_vector",
            f"ANALYZE {table}",
        ],
        [
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING gin ({VECTOR})",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0011_article_tallies"),
    ]

    operations = [stored_vector(table) for table in TABLES]
