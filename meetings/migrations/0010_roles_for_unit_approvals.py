from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administratörer"
MODELS = ["unitapproval", "approvalevent", "measureanalysis"]


def grant(apps, schema_editor):
    """Administrators read the units' approvals, their steps and analyses in the admin; they are
    written on the round's page only (meetings.approvals, meetings.analyses)."""
    app_config = apps.get_app_config("meetings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(
        content_type__app_label="meetings", codename__in=[f"view_{model}" for model in MODELS]
    )
    for group in Group.objects.filter(name=ADMINISTRATORS):
        group.permissions.add(*view)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="meetings", content_type__model__in=MODELS).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0009_unit_approval_and_analyses")]

    operations = [migrations.RunPython(grant, revoke)]
