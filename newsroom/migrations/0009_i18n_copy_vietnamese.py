from django.db import migrations
from django.db.models import F

# The content written before translations is Vietnamese: it becomes the Vietnamese version.
TRANSLATED = {
    "Article": ["title", "lead", "body"],
    "Event": ["title", "description", "venue"],
    "Partner": ["description"],
    "Partnership": ["fields_of_cooperation"],
}


def copy_vietnamese(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("newsroom", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_vi__isnull": True}).update(**{f"{field}_vi": F(field)})


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0008_i18n"),
    ]

    operations = [
        migrations.RunPython(copy_vietnamese, migrations.RunPython.noop),
    ]
