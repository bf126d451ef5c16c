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
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector"
            f" GENERATED ALWAYS AS ({VECTOR}) STORED",
            f"CREATE INDEX IF NOT EXISTS {table}_stored_vector ON {table} USING gin (search_vector)",
            f"DROP INDEX IF EXISTS {table}_search_vector",
        ],
        [
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING gin ({VECTOR})",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
        ],
    )


def vacuum(table: str) -> PostgreSQLOnlySQL:
    """Adding a stored column rewrites the table, which loses its visibility map: without a VACUUM, the
    index-only scans of the article lists (``article_public_order``) would read the heap again until autovacuum
    happens to come by. ANALYZE gathers the statistics of the new column."""
    return PostgreSQLOnlySQL(f"VACUUM (ANALYZE) {table}", migrations.RunSQL.noop)


class Migration(migrations.Migration):
    # VACUUM cannot run inside a transaction; every statement above can run again after a failure.
    atomic = False

    dependencies = [
        ("newsroom", "0012_tally_horizon"),
    ]

    operations = [*(stored_vector(table) for table in TABLES), *(vacuum(table) for table in TABLES)]
