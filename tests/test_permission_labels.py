"""The user and group forms list the permissions worth granting, in Swedish: not those of the
audit history's tables, which django-simple-history names in English ("historical budgetrad")
and which no one should be given rights on. Found by an adversarial review."""

import re

import pytest

pytestmark = pytest.mark.django_db


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<option [^>]*>([^<]*)</option>", select)]


def test_no_permission_choice_of_the_user_form_is_english(admin_client_sv, admin_user):
    html = admin_client_sv.get(f"/admin/auth/user/{admin_user.pk}/change/").content.decode()
    english = [label for label in options(html, "user_permissions") if re.search(r"(?i)\bhistorical\b", label)]
    assert english == []


def test_no_permission_choice_of_the_group_form_is_english(admin_client_sv):
    html = admin_client_sv.get("/admin/auth/group/add/").content.decode()
    english = [label for label in options(html, "permissions") if re.search(r"(?i)\bhistorical\b", label)]
    assert english == []
