"""Swedish 403, 404 and 500 pages with a way back; no technical 404 page on the default install
(make run runs with DEBUG)."""

import pytest
from django.test import RequestFactory, override_settings
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_an_address_that_does_not_exist_answers_the_swedish_404_page(client, admin_user, debug):
    client.force_login(admin_user)
    with override_settings(DEBUG=debug):
        response = client.get("/finns-inte/", HTTP_ACCEPT_LANGUAGE="sv")
        missing_plan = client.get("/planer/999999/", HTTP_ACCEPT_LANGUAGE="sv")
    for page in (response, missing_plan):
        html = page.content.decode()
        assert page.status_code == 404
        assert "Sidan finns inte" in html and 'href="/planer/"' in html and 'href="/admin/"' in html
        assert "URLconf" not in html and "Page not found" not in html


def test_a_refusal_says_why_in_swedish(client, django_user_model):
    member = django_user_model.objects.create_user("ledamot-403", is_staff=True)
    client.force_login(member)
    response = client.get("/admin/kpis/outcome/enter/", HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Inte tillåtet" in html and 'href="/planer/"' in html and "403 Forbidden" not in html


def test_the_500_page_is_swedish_and_stands_alone():
    request = RequestFactory().get("/planer/")
    with translation.override("sv"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in html and "Inget du skrev in på sidan sparades" in html and 'href="/"' in html


def test_the_favicon_is_there_on_the_site_and_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/favicon.ico").status_code == 301
    assert "img/favicon.svg" in client.get("/planer/").content.decode()
    assert "img/favicon.svg" in client.get("/admin/").content.decode()
