"""Users and groups in the admin: Django's own forms, with the permissions named in Swedish and
each role's group explained (goalplan.roles.ROLE_DESCRIPTIONS).

Django stores a permission's name once, in English, when the migrations run ("Can add outcome"):
the lists here name it from the model instead, in the active language ("Kan lägga till utfall").
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from config.admin_forms import row_numbers_only
from goalplan.roles import ROLE_DESCRIPTIONS

ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "Mål och mätetal | Utfall | Kan lägga till utfall": app, model and action in the active
    language; a model's own permission by the name its Meta gives it."""
    model = permission.content_type.model_class()
    if model is None:  # a permission of a removed model
        return str(permission)
    opts = model._meta
    action, _sep, model_name = permission.codename.partition("_")
    if model_name == opts.model_name and action in ACTIONS:
        name = ACTIONS[action] % {"model": opts.verbose_name}
    else:
        name = dict(opts.permissions).get(permission.codename, permission.name)
    return f"{opts.app_config.verbose_name} | {capfirst(opts.verbose_name)} | {name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


def roles_help():
    """The help under a user's groups: each role and what it may do."""
    return format_html(
        "{}<ul>{}</ul>",
        _("A user may do what each of the user's groups may do:"),
        format_html_join("", "<li><strong>{}</strong>: {}</li>", ROLE_DESCRIPTIONS.items()),
    )


def grantable_permissions():
    """The permissions worth granting: not those of the audit history's tables (django-simple-
    history's "historical …" models, which no one writes but the history itself)."""
    history = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]
    history_types = ContentType.objects.get_for_models(*history, for_concrete_models=False).values()
    return Permission.objects.select_related("content_type").exclude(content_type__in=list(history_types))


class SwedishPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["queryset"] = grantable_permissions()
            kwargs["form_class"] = PermissionChoiceField
        if db_field.name == "groups":
            # What each group may do, above the list of their names (too long for its lines).
            kwargs["help_text"] = roles_help()
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        # A value that cannot be a row is refused before the database sees it (a 30-digit one).
        return row_numbers_only(formfield) if formfield is not None else None


class RoleUserAdmin(SwedishPermissionsMixin, UserAdmin):
    pass


class RoleGroupAdmin(SwedishPermissionsMixin, GroupAdmin):
    list_display = ["name", "role_description"]

    @admin.display(description=_("what the group may do"))
    def role_description(self, obj):
        return ROLE_DESCRIPTIONS.get(obj.name, "–")


def register(site: admin.AdminSite) -> None:
    """Our user and group admins in place of Django's (django.contrib.auth registers its own first)."""
    for model, model_admin in ((get_user_model(), RoleUserAdmin), (Group, RoleGroupAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
