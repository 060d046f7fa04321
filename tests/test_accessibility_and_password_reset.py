"""The accessibility statement (lag 2018:1937, DIGG's model) is public and linked from every page's
footer; "Glömt lösenordet?" on the login page resets a password through Django's views and the
e-mail settings."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db

STATEMENT = "/tillganglighet/"


def test_the_statement_is_public_and_follows_diggs_model(client):
    page = client.get(STATEMENT, HTTP_ACCEPT_LANGUAGE="sv")
    html = page.content.decode()
    assert page.status_code == 200
    for part in (
        "Tillgänglighetsredogörelse",
        "lagen (2018:1937)",
        "Innehåll som inte är tillgängligt",
        "Rapportera brister",
        "Myndigheten för digital förvaltning (Digg)",
        "https://www.digg.se/anmal-bristande-tillganglighet",
        "Redogörelsen uppdaterades senast",
    ):
        assert part in html, part


@pytest.mark.parametrize("address", ["/konto/logga-in/", "/planer/", "/admin/"])
def test_every_page_links_to_the_statement(admin_client, address):
    assert f'href="{STATEMENT}"' in admin_client.get(address, HTTP_ACCEPT_LANGUAGE="sv").content.decode()


def test_a_forgotten_password_is_reset_by_e_mail(client, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    user = get_user_model().objects.create_user("glomsk", email="glomsk@example.se", password="gammalt-lösen-1")
    login = client.get("/konto/logga-in/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Glömt lösenordet?" in login
    done = client.post("/konto/glomt-losenord/", {"email": "glomsk@example.se"}, HTTP_ACCEPT_LANGUAGE="sv", follow=True)
    assert "Kolla din e-post" in done.content.decode()
    [message] = mail.outbox
    assert message.to == ["glomsk@example.se"] and "nytt lösenord" in message.subject.lower()
    link = re.search(r"https?://[^/\s]+(/konto/nytt-losenord/\S+)", message.body).group(1)
    form = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Välj ett nytt lösenord" in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Nytt-lösen-2026!", "new_password2": "Nytt-lösen-2026!"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert "Lösenordet är bytt" in saved.content.decode()
    user.refresh_from_db()
    assert user.check_password("Nytt-lösen-2026!")
    # An unknown address says the same and sends nothing.
    client.post("/konto/glomt-losenord/", {"email": "okand@example.se"})
    assert len(mail.outbox) == 1
