"""Administrators hold the new right to approve and un-approve follow-up reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administratörer"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("meetings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    approve = Permission.objects.filter(content_type__app_label="meetings", codename="approve_followupreport")
    for group in Group.objects.filter(name=ADMINISTRATORS):
        group.permissions.add(*approve)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="meetings", codename="approve_followupreport").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("kpis", "0003_roles"),
        ("meetings", "0003_report_history_and_approval"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
