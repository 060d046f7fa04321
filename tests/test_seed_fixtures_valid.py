"""Every seeded row passes the same validation an administrator's edit would (full_clean)."""

import json
from collections import Counter

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from goalplan.seeds import seed_fixture_paths

pytestmark = pytest.mark.django_db


def seeded_rows():
    for path in seed_fixture_paths():
        for row in json.loads(path.read_text(encoding="utf-8")):
            yield path.name, row["model"], row["pk"]


def test_each_seed_document_has_its_fixture():
    names = {path.name for path in seed_fixture_paths()}
    assert {"00_common.json", "50_hsn_2025.json"} <= names


def test_primary_keys_are_unique_across_fixtures():
    counts = Counter((model, pk) for _, model, pk in seeded_rows())
    assert [key for key, count in counts.items() if count > 1] == []


def test_every_seeded_row_is_valid():
    errors = []
    for fixture, model_label, pk in seeded_rows():
        instance = apps.get_model(model_label).objects.get(pk=pk)
        try:
            instance.full_clean()
        except ValidationError as error:
            errors.append(f"{fixture} {model_label} {pk}: {error.message_dict}")
    assert errors == []
