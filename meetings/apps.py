from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and follow-up")

    def ready(self):
        # Approved reports lock their months: the write rule asks this app (kpis.access does not
        # import it; the arrow points from meetings to kpis).
        from kpis.access import register_approvals
        from kpis.rounds import register_round_source
        from meetings.schedule import plan_rounds
        from meetings.selectors import approved_months

        register_approvals(approved_months)
        # The reports' reporting rounds, shown by the plan and entry pages.
        register_round_source(plan_rounds)
