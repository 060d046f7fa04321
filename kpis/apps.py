from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Everything a dashboard shows: a save or delete of any of these invalidates cached dashboards.
DASHBOARD_SOURCES = [
    "kpis.Outcome",
    "kpis.Target",
    "kpis.StatusOverride",
    "kpis.NationalValue",
    "kpis.Measure",
    "kpis.Indicator",
    "goalplan.GoalAssessment",
    "goalplan.Goal",
    "goalplan.GoalArea",
    "goalplan.Plan",
    "meetings.FollowUpReport",
]


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("Measures and outcomes")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from kpis.access import keep_reason_of_write
        from kpis.cache import on_model_change

        pre_save.connect(keep_reason_of_write, dispatch_uid="keep-reason-of-write-save")
        pre_delete.connect(keep_reason_of_write, dispatch_uid="keep-reason-of-write-delete")

        for label in DASHBOARD_SOURCES:
            model = apps.get_model(label)
            post_save.connect(on_model_change, sender=model, dispatch_uid=f"dashboard-cache-save-{label}")
            post_delete.connect(on_model_change, sender=model, dispatch_uid=f"dashboard-cache-delete-{label}")
