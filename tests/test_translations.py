"""The Swedish catalogue is complete and the committed .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def read_po(path: Path) -> list[dict]:
    """Parse a .po file into entries of msgctxt/msgid/msgstr (plural forms as msgstr[n]) and flags."""
    entries, entry, key = [], {"flags": ""}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, literal = line.partition(" ")
            entry[key] = ast.literal_eval(literal)
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = [entry for entry in read_po(PO_FILE) if entry["msgid"]]
    assert len(entries) > 100
    untranslated = [
        entry["msgid"]
        for entry in entries
        if not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []
    assert [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]] == []


def test_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in read_po(PO_FILE):
        if not entry["msgid"] or "msgid_plural" in entry:
            continue
        if "msgctxt" in entry:
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"], entry["msgid"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_django_strings_missing_from_djangos_swedish_catalogue_are_translated_by_ours():
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("sv"):
        assert str(BLANK_CHOICE_LABEL) == "- Välj ett alternativ -"


JS_PO_FILE = PO_FILE.with_name("djangojs.po")


def test_admin_javascript_strings_missing_from_django_are_translated_and_compiled():
    entries = [entry for entry in read_po(JS_PO_FILE) if entry["msgid"]]
    assert entries
    assert [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))] == []
    with JS_PO_FILE.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in entries:
        if "msgid_plural" not in entry:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_admin_javascript_catalogue_serves_them_in_swedish(admin_client_sv):
    from django.urls import reverse

    response = admin_client_sv.get(reverse("admin:jsi18n"))
    assert "I dag (%(date)s)" in response.content.decode()
