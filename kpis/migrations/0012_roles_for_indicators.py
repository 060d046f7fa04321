"""Administrators keep indicators and the measure library; reporters read them (as they read the
rest: the entry page and the import name indicators)."""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administratörer"
REPORTERS = "Rapportörer"
MODELS = ["indicator", "indicatortemplate"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("kpis")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="kpis", content_type__model__in=MODELS)
    for group in Group.objects.filter(name=ADMINISTRATORS):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name=REPORTERS):
        group.permissions.add(*ours.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="kpis", content_type__model__in=MODELS).delete()


def refuse_going_back_if_figures_would_be_lost(apps, schema_editor):
    """The last migration of the move to indicators runs first backwards: 0009's check, before the
    measure library (0011) and these rights are undone."""
    move = importlib.import_module("kpis.migrations.0009_measures_become_indicators")
    move.refuse_unless_every_figure_has_a_measure(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("kpis", "0011_measure_library"),
        ("meetings", "0004_administrators_approve_reports"),
    ]
    operations = [
        migrations.RunPython(grant, revoke),
        # Last, so that backwards it comes first.
        migrations.RunPython(migrations.RunPython.noop, refuse_going_back_if_figures_would_be_lost),
    ]
