from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

TABLES = ["newsroom_article", "newsroom_event", "newsroom_partner", "newsroom_province", "newsroom_country"]

# The same expression as newsroom.search.vector(), so that the planner can use the index.
VECTOR = (
    "(setweight(to_tsvector('newsroom_unaccent'::regconfig, COALESCE(search_title, '')), 'A')"
    " || setweight(to_tsvector('newsroom_unaccent'::regconfig, COALESCE(search_body, '')), 'B'))"
)

CONFIGURATION = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsroom_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION newsroom_unaccent (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION newsroom_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
  END IF;
END $$;
"""


class PostgreSQLOnlySQL(migrations.RunSQL):
    """SQL that only PostgreSQL understands; other databases search the folded columns without it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_search"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        PostgreSQLOnlySQL(CONFIGURATION, "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_unaccent"),
        *(
            PostgreSQLOnlySQL(
                f"CREATE INDEX {table}_search_vector ON {table} USING gin ({VECTOR})",
                f"DROP INDEX IF EXISTS {table}_search_vector",
            )
            for table in TABLES
        ),
        *(
            PostgreSQLOnlySQL(
                f"CREATE INDEX {table}_search_trgm ON {table} USING gin (search_title gin_trgm_ops)",
                f"DROP INDEX IF EXISTS {table}_search_trgm",
            )
            for table in TABLES
        ),
    ]
