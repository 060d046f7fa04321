"""The template-free widgets (goalplan.widgets) write exactly what Django's widget templates write, for
the values and attributes the page gives them and for values that need escaping."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.utils.functional import lazystr
from django.utils.safestring import mark_safe
from django.utils.translation import override

from goalplan import widgets
from kpis.forms import ACCOMPLISHED_CHOICES, OutcomeEntryFormSet, SwedishDecimalInput

ATTRIBUTES = [
    None,
    {"id": "id_form-0-value", "size": 10, "inputmode": "decimal"},
    {"id": "x", "required": True, "disabled": False, "aria-invalid": "true", "data-note": 'a "quoted" <b>'},
    {"title": mark_safe("<i>kept</i>")},
]
VALUES = [None, "", "4,1", 'Ökat "mycket" & <snabbt>', 7, Decimal("4.1000"), mark_safe("<safe>")]


@pytest.mark.parametrize("attrs", ATTRIBUTES)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    ("direct", "django_widget"),
    [
        (widgets.TextInput, forms.TextInput),
        (widgets.HiddenInput, forms.HiddenInput),
    ],
)
def test_inputs_write_what_django_writes(direct, django_widget, value, attrs):
    assert direct(attrs={"size": 40}).render("form-0-comment", value, attrs) == django_widget(
        attrs={"size": 40}
    ).render("form-0-comment", value, attrs)


def test_the_decimal_input_writes_a_typed_value_and_what_django_writes():
    html = SwedishDecimalInput(attrs={"size": 10}).render("v", Decimal("4.1000"), {"id": "id_v"})
    assert html == '<input type="text" name="v" value="4,1" size="10" id="id_v">'


@pytest.mark.parametrize("attrs", ATTRIBUTES)
@pytest.mark.parametrize("value", [None, "", "yes", "no", True])
def test_the_select_writes_what_django_writes(value, attrs):
    choices = [*ACCOMPLISHED_CHOICES, ("<x>", lazystr('"Kanske" & <snart>'))]
    with override("sv"):
        assert widgets.Select(choices=choices).render("a", value, attrs) == forms.Select(choices=choices).render(
            "a", value, attrs
        )


@pytest.mark.parametrize("label", [12000, Decimal("1234.5"), 2.5, datetime.date(2025, 4, 1)])
def test_a_number_or_date_label_is_written_as_django_writes_it(label):
    """Found in review: the template localizes a label that is not text ("12 000", "1 234,5")."""
    choices = [("a", label)]
    with override("sv"):
        assert widgets.Select(choices=choices).render("s", "a") == forms.Select(choices=choices).render("s", "a")


def test_grouped_choices_are_left_to_django():
    choices = [("Grupp", [("1", "Ett"), ("2", "Två")]), ("3", "Tre")]
    assert widgets.Select(choices=choices).render("g", "2") == forms.Select(choices=choices).render("g", "2")


def djangos_own_rendering(monkeypatch):
    """Every template-free widget renders through Django's widget templates again."""
    monkeypatch.setattr(
        widgets.DirectlyRendered,
        "render",
        lambda self, *args, **kwargs: super(widgets.DirectlyRendered, self).render(*args, **kwargs),
    )


def assert_the_page_djangos_widgets_make(monkeypatch, client, url: str, shows: bytes) -> None:
    """The page is byte for byte the one Django's own widget templates make (but its CSRF token)."""
    ours = client.get(url)
    assert ours.status_code == 200 and shows in ours.content
    djangos_own_rendering(monkeypatch)
    theirs = client.get(url)
    strip_token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip_token.sub(b"", ours.content) == strip_token.sub(b"", theirs.content)


def test_an_entry_row_with_errors_renders_as_with_djangos_widgets(monkeypatch):
    data = {"measure_id": "3", "sex": "K", "version": "x", "value": "12,5 %", "accomplished": "yes", "comment": "<b>"}
    with override("sv"):
        form = OutcomeEntryFormSet.form(data, prefix="form-7")
        assert not form.is_valid()
        ours = {name: str(form[name]) for name in form.fields}
        djangos_own_rendering(monkeypatch)
        assert ours == {name: str(form[name]) for name in form.fields}


@pytest.mark.django_db
def test_the_entry_page_is_the_page_djangos_widgets_make(monkeypatch, admin_client_sv):
    from django.urls import reverse

    from tests.selectors import hsn_plan

    url = reverse("admin:kpis_outcome_entry") + f"?plan={hsn_plan(2025).pk}&year=2025&period_kind=month&period_number=4"
    assert_the_page_djangos_widgets_make(monkeypatch, admin_client_sv, url, b'name="form-0-value"')


@pytest.mark.django_db
def test_the_plan_dashboards_filters_are_what_djangos_widgets_make(monkeypatch, admin_client_sv, settings):
    from tests.selectors import hsn_plan

    settings.DASHBOARD_CACHE_ENABLED = False
    url = f"/planer/{hsn_plan(2025).pk}/?year=2025&period=tertial-1"
    assert_the_page_djangos_widgets_make(monkeypatch, admin_client_sv, url, b'<select name="unit"')
