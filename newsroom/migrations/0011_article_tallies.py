from django.db import migrations, models
from django.db.models import Count, F
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

TAG_FIELDS = {"province": "provinces", "country": "countries", "partner": "partners", "topic": "topics"}


def fill_tallies(apps, schema_editor):
    """The counts of the articles already there; from now on the signals in ``tallies.py`` keep them."""
    Article = apps.get_model("newsroom", "Article")
    ArticleTally = apps.get_model("newsroom", "ArticleTally")
    published = Article.objects.filter(status="published")
    years = (
        published.annotate(year=ExtractYear("published_at", tzinfo=timezone.get_default_timezone()))
        .values("year")
        .annotate(total=Count("pk"))
        .order_by()
    )
    rows = [ArticleTally(facet="year", key=row["year"], total=row["total"]) for row in years]
    links = Article.provinces.through.objects.filter(article_id__in=published.values("pk"))
    units = (
        links.annotate(unit=Coalesce("province__merged_into_id", "province_id"))
        .values("unit")
        .annotate(total=Count("article_id", distinct=True))
        .order_by()
    )
    rows += [ArticleTally(facet="unit", key=row["unit"], total=row["total"]) for row in units]
    for facet, field in TAG_FIELDS.items():
        through = Article._meta.get_field(field).remote_field.through
        column = f"{Article._meta.get_field(field).m2m_reverse_field_name()}_id"
        tags = (
            through.objects.filter(article_id__in=published.values("pk"))
            .annotate(tag=F(column))
            .values("tag")
            .annotate(total=Count("article_id"))
            .order_by()
        )
        rows += [ArticleTally(facet=facet, key=row["tag"], total=row["total"]) for row in tags]
    ArticleTally.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0010_search_every_language"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=20, verbose_name="nhóm")),
                ("key", models.BigIntegerField(verbose_name="khóa")),
                ("total", models.PositiveIntegerField(verbose_name="số bài")),
            ],
            options={
                "verbose_name": "số bài theo nhóm",
                "verbose_name_plural": "số bài theo nhóm",
                "constraints": [models.UniqueConstraint(fields=("facet", "key"), name="article_tally_facet_key")],
            },
        ),
        migrations.RunPython(fill_tallies, migrations.RunPython.noop),
    ]
