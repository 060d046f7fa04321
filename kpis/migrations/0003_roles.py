"""The roles as Django groups: administrators, reporters and committee members."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["goalplan", "kpis", "budget", "meetings"]
ADMINISTRATORS = "Administratörer"
REPORTERS = "Rapportörer"
COMMITTEE_MEMBERS = "Nämndledamöter"
# Reporters enter outcomes and comments (for their own units, enforced in code) and read the rest.
REPORTER_WRITES = ["add_outcome", "change_outcome", "delete_outcome"]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=APPS)
    Group.objects.get_or_create(name=ADMINISTRATORS)[0].permissions.set(
        Permission.objects.filter(content_type__app_label__in=[*APPS, "auth"])
    )
    Group.objects.get_or_create(name=REPORTERS)[0].permissions.set(
        ours.filter(codename__startswith="view_") | ours.filter(codename__in=REPORTER_WRITES)
    )
    Group.objects.get_or_create(name=COMMITTEE_MEMBERS)[0].permissions.set([])


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[ADMINISTRATORS, REPORTERS, COMMITTEE_MEMBERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("goalplan", "0002_unit_reporters"),
        ("kpis", "0002_status_override"),
        ("budget", "0001_initial"),
        ("meetings", "0002_report_approval_snapshot"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
