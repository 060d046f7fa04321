"""Admin forms under the write rule: the reason field, the guarded model form, and related-row
choices limited to rows the person reads and to values that can be rows."""

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from goalplan.selectors import visible_to
from kpis.access import (
    REASON_MAX_LENGTH,
    UnitNotAllowed,
    WriteLocked,
    WriteRules,
    guard_of,
    is_guarded,
    write_rules_for,
)


def request_write_rules(request) -> WriteRules:
    """The rule for this request's person, built once per request."""
    if not hasattr(request, "_write_rules"):
        request._write_rules = write_rules_for(request.user)
    return request._write_rules


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=gettext_lazy("Required for figures in an approved report or a decided plan; kept in the history."),
        widget=forms.TextInput(attrs={"size": 60}),
    )


class GuardedModelForm(forms.ModelForm):
    """A model form that refuses what the write rule refuses, as form errors.

    ``rules`` is set by the admin for the request. The stored row is read from the database: the
    history revert page builds the form on an old version, and a change must be judged both by
    where the row is now (a locked period it would leave) and where it would be.
    """

    rules: WriteRules | None = None
    change_reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        # A row the admin loaded from the database is the stored row as it is: keep its values
        # (no query for each inline row). The revert page's instance is an old version, built in
        # memory (no database state): read the stored row when it is needed.
        self._stored_values = None
        if instance.pk is not None and instance._state.db is not None:
            self._stored_values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    @cached_property
    def stored(self):
        model = self._meta.model
        if self._stored_values is not None:
            return model(**self._stored_values)
        pk = self.instance.pk
        return model._base_manager.filter(pk=pk).first() if pk is not None else None

    def changes_stored_row(self) -> bool:
        """Would saving change the row as stored? (Not the form's own has_changed(): the revert
        page starts from an old version, so a plain revert looks unchanged to the form.)"""
        if self.stored is None:
            return self.has_changed()  # a new row; an untouched extra inline row is not one
        return any(
            getattr(self.stored, field.attname) != getattr(self.instance, field.attname)
            for field in self._meta.model._meta.concrete_fields
        )

    def _post_clean(self):
        super()._post_clean()
        model = self._meta.model
        if not is_guarded(model) or self.rules is None or self.cleaned_data.get("DELETE"):
            return  # deleted inline rows are judged by the formset (GuardedInlineMixin)
        if not self.changes_stored_row():
            return
        reason = self.cleaned_data.get("change_reason") or ""
        try:
            self.rules.check_write(stored=self.stored, new=self.instance, reason=reason)
        except UnitNotAllowed as denied:
            guard = guard_of(model)
            field = guard.unit_field if guard and guard.unit_field in self.fields else None
            self.add_error(field, str(denied))
        except (WriteLocked, PermissionDenied) as denied:
            self.add_error(None, str(denied))
        except ValidationError as error:
            self.add_error("change_reason" if "change_reason" in self.fields else None, error)


# The body a row belongs to, for reading in the admin when the committee pages are for members
# only (goalplan.selectors.visible_to: administrators read everything). Rows without a body
# (account groups, the unit tree, people) are not limited.
BODY_PATHS: dict[str, tuple[str, ...]] = {
    "goalplan.body": ("pk",),
    "goalplan.plan": ("body",),
    "goalplan.goalarea": ("plan__body",),
    "goalplan.goal": ("plan__body",),
    "goalplan.goalassessment": ("goal__plan__body",),
    "goalplan.assignment": ("plan__body",),
    "goalplan.assignmentfollowup": ("assignment__plan__body",),
    "kpis.measure": ("plan__body",),
    "kpis.target": ("measure__plan__body",),
    # An indicator's rows are read by whoever reads a plan adopting it.
    "kpis.indicator": ("measures__plan__body",),
    "kpis.outcome": ("indicator__measures__plan__body",),
    "kpis.nationalvalue": ("indicator__measures__plan__body",),
    "kpis.statusoverride": ("indicator__measures__plan__body",),
    "budget.budgetframe": ("body",),
    "budget.budgetline": ("frame__body",),
    "budget.budgetoutcome": ("line__frame__body",),
    "budget.framechange": ("frame__body",),
    "budget.investment": ("plan__body",),
    "budget.savingsmeasure": ("plan__body",),
    "budget.savingseffect": ("measure__plan__body",),
    "meetings.meeting": ("body", "plan__body"),
    "meetings.agendaitem": ("meeting__body", "meeting__plan__body"),
    "meetings.followupreport": ("body", "plan__body"),
    "meetings.proposedadjustment": ("report__body", "report__plan__body"),
    "meetings.internalcontrolitem": ("body",),
    "meetings.internalcontrolfollowup": ("item__body",),
}


# A row number as the admin's autocomplete fields carry it: anything else in an address or a
# post ("?measure=abc", a 30-digit number) is no row, not a database error.
ROW_NUMBER = re.compile(r"^\d{1,18}$")
_SAFE_WIDGETS: dict[type, type] = {}


class RowNumbersOnlyMixin:
    """An autocomplete widget that shows only values that can be rows (Django's looks any value up)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if ROW_NUMBER.match(str(v))], attr)


class RowNumbersOnlyMultipleChoiceMixin:
    """A many-to-many field that refuses a value that cannot be a row before the database sees it
    (SQLite overflows on a 30-digit number)."""

    def _check_values(self, value):
        if any(not ROW_NUMBER.match(str(v)) for v in value or ()):
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": next(v for v in value if not ROW_NUMBER.match(str(v)))},
            )
        return super()._check_values(value)


def row_numbers_only(formfield):
    if isinstance(formfield, forms.ModelMultipleChoiceField) and not isinstance(
        formfield, RowNumbersOnlyMultipleChoiceMixin
    ):
        cls = type(formfield)
        if cls not in _SAFE_WIDGETS:
            _SAFE_WIDGETS[cls] = type(f"RowNumbersOnly{cls.__name__}", (RowNumbersOnlyMultipleChoiceMixin, cls), {})
        formfield.__class__ = _SAFE_WIDGETS[cls]
    return formfield


def _safe_autocomplete(formfield):
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, AutocompleteMixin) and not isinstance(widget, RowNumbersOnlyMixin):
        cls = type(widget)
        if cls not in _SAFE_WIDGETS:
            _SAFE_WIDGETS[cls] = type(f"RowNumbersOnly{cls.__name__}", (RowNumbersOnlyMixin, cls), {})
        widget.__class__ = _SAFE_WIDGETS[cls]
    return formfield


def _visible_choices(formfield, request):
    """Choices of related rows limited to the bodies the person reads (as the lists are)."""
    queryset = getattr(formfield, "queryset", None)
    paths = BODY_PATHS.get(queryset.model._meta.label_lower) if queryset is not None else None
    if paths:
        formfield.queryset = visible_to(request.user, queryset, *paths)
    return formfield


class RelatedChoicesMixin:
    """Foreign-key and many-to-many fields of admin forms and inlines: only visible rows, and no
    error page for a value that cannot be a row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _safe_autocomplete(_visible_choices(formfield, request)) if formfield is not None else None

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is None:
            return None
        return row_numbers_only(_safe_autocomplete(_visible_choices(formfield, request)))


class ReadableRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """The rows the list holds, and of those only the ones the person reads: a filter through many
    rows (an outcome's plans, through the measures adopting its indicator) would otherwise name
    another body's plan."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        paths = BODY_PATHS.get(field.related_model._meta.label_lower)
        if not paths:
            return choices
        readable = set(
            visible_to(request.user, field.related_model._default_manager.all(), *paths).values_list("pk", flat=True)
        )
        return [(pk, label) for pk, label in choices if pk in readable]
