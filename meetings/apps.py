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
        # Approved figures changed afterwards, flagged by the dashboard (the same arrow).
        from kpis.approval_changes import register_change_source
        from meetings.changes import changes_in_plan

        register_change_source(changes_in_plan)
        # Each unit's approval state in a round, for Min rapportering.
        from kpis.rounds import register_approval_states
        from meetings.selectors import approval_states

        register_approval_states(approval_states)
