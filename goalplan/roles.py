"""The roles, as Django groups (created by kpis/migrations/0003_roles.py).

Here, at the bottom of the apps, because the reading rule (goalplan.selectors) needs them as
much as the write rule (kpis.access) does.
"""

ADMINISTRATORS = "Administratörer"
REPORTERS = "Rapportörer"
COMMITTEE_MEMBERS = "Nämndledamöter"


def is_administrator(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()))
