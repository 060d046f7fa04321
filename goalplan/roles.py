"""The roles, as Django groups (created by kpis/migrations/0003_roles.py).

Here, at the bottom of the apps, because the reading rule (goalplan.selectors) needs them as
much as the write rule (kpis.access) does.
"""

from django.utils.translation import gettext_lazy as _

ADMINISTRATORS = "Administratörer"
REPORTERS = "Rapportörer"
COMMITTEE_MEMBERS = "Nämndledamöter"

# What each role may do, for the user and group forms: the rights themselves are the write rule
# (kpis.access) and the reading rule (goalplan.selectors), not the group's permission list alone.
ROLE_DESCRIPTIONS = {
    ADMINISTRATORS: _(
        "Enter and change everything: plans, goals, measures, targets, outcomes, budget and the "
        "meeting calendar; approve units' figures and reports; change an approved figure, giving a "
        "reason; manage users."
    ),
    REPORTERS: _(
        "Enter and import outcomes, analyses and actions for the units they report for (named on "
        "each unit, under Reporters) until the round's lock date, and mark a unit's figures ready; "
        "read the rest. Also needs “Staff status” to reach the admin."
    ),
    COMMITTEE_MEMBERS: _(
        "Read the committee pages (dashboards, goals, measures, reports, budget and calendar) and "
        "download the reports as PDF; change nothing. With COMMITTEE_PAGES_VISIBILITY set to "
        "“members”, only the pages of the bodies the person is a member of."
    ),
}


def is_administrator(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()))
