from django.db import migrations

from newsroom.folding import fill_search_columns


class Migration(migrations.Migration):
    """The search columns fold every language version now that articles, events and partners have them."""

    dependencies = [
        ("newsroom", "0009_i18n_copy_vietnamese"),
    ]

    operations = [
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
