# The uploaded outcome file waits in the database between preview and confirmation (issue 14).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0014_outcome_whole_scope_covering_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "uploaded_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="uploaded at"),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                ("content", models.BinaryField(verbose_name="content")),
                (
                    "sha256",
                    models.CharField(
                        help_text="Of the content, to tell the file apart.", max_length=64, verbose_name="SHA-256"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=100, verbose_name="reason")),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "pending import",
                "verbose_name_plural": "pending imports",
                "ordering": ["-uploaded_at"],
                "default_permissions": (),
            },
        ),
    ]
