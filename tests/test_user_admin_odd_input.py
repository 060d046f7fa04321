"""The user and group admins refuse a posted permission or group that cannot be a row (a 30-digit
number overflows SQLite's integer) as a form error, through config.admin_forms.row_numbers_only
like every other admin form. Found by an adversarial review (Django's own admins fail so too)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(admin_user)
    return client


def test_a_posted_permission_that_is_no_row_number_is_a_form_error(admin):
    response = admin.post("/admin/auth/group/add/", {"name": "Granskare", "permissions": ["9" * 30]})
    assert response.status_code == 200


def test_a_posted_group_that_is_no_row_number_is_a_form_error(admin, admin_user):
    form = {
        "username": admin_user.username,
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "groups": ["9" * 30],
        "user_permissions": ["9" * 30],
    }
    assert admin.post(f"/admin/auth/user/{admin_user.pk}/change/", form).status_code == 200
