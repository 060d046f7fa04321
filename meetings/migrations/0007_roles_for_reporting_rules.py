"""Administrators keep the reporting rules; reporters read them (as they read the rest of the
calendar: the rule says when their figures are due)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administratörer"
REPORTERS = "Rapportörer"
MODELS = ["reportingrule"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("meetings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="meetings", content_type__model__in=MODELS)
    for group in Group.objects.filter(name=ADMINISTRATORS):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name=REPORTERS):
        group.permissions.add(*ours.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="meetings", content_type__model__in=MODELS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("kpis", "0012_roles_for_indicators"),
        ("meetings", "0006_reporting_rounds"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
