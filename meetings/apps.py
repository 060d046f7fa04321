from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and follow-up")

    def ready(self):
        # Approved reports lock their months: the write rule asks this app (kpis.access does not
        # import it; the arrow points from meetings to kpis).
        from kpis.access import register_approvals
        from meetings.selectors import approved_months

        register_approvals(approved_months)
