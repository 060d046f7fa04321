from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalplanConfig(AppConfig):
    name = "goalplan"
    verbose_name = _("Goals and plans")
