from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("Measures and outcomes")

    def ready(self):
        from django.db.models.signals import pre_delete, pre_save

        from kpis.access import keep_reason_of_write

        # Cached pages need no signal: database triggers move their data versions (kpis.triggers).
        pre_save.connect(keep_reason_of_write, dispatch_uid="keep-reason-of-write-save")
        pre_delete.connect(keep_reason_of_write, dispatch_uid="keep-reason-of-write-delete")
