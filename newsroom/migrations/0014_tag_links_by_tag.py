from django.db import migrations

# Tag tables whose rows are read by tag: the related stories of an article (its provinces' and partners'
# articles, hashed to find the newest) and a partner's page. Django's own index on the tag column alone sends
# every one of a province's 4,000 links at 100,000 articles to the table; with the article beside the tag the
# index answers by itself.
LINKS = {"newsroom_article_provinces": "province_id", "newsroom_article_partners": "partner_id"}


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0013_search_vector"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {table}_by_tag ON {table} ({column}, article_id)",
            f"DROP INDEX {table}_by_tag",
        )
        for table, column in LINKS.items()
    ]
