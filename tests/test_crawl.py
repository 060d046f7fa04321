"""A crawler, as an administrator, a reporter and a committee member: from the start page (and the
admin index, for those who work in it) it follows every link of the site, to a bounded depth and
every kind of page at least once. No link answers 404 or 500, and no page shows an English UI
phrase of Django, django-import-export, django-simple-history or django-axes (the list below,
collected from their templates)."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from goalplan.models import OrganisationalUnit
from goalplan.roles import ADMINISTRATORS, COMMITTEE_MEMBERS, REPORTERS

pytestmark = pytest.mark.django_db

# Phrases of the English interface of Django's admin and of the three packages, as their
# templates write them; none is Swedish.
ENGLISH_UI = [
    # Django admin
    "Recent actions",
    "My actions",
    "Save and add another",
    "Save and continue editing",
    "View on site",
    "Change password",
    "Log out",
    "Welcome,",
    "Select all",
    "Clear selection",
    "Show all",
    "Filter by",
    "Page not found",
    "Forbidden",
    "Server Error",
    "Date/time",
    "Are you sure?",
    "Yes, I’m sure",
    "No, take me back",
    "You don’t have permission",
    "Can add ",
    "Can change ",
    "Can delete ",
    "Can view ",
    # django-import-export
    "File to import",
    "This exporter will export the following fields",
    "This importer will import the following fields",
    "Confirm import",
    "Submit",
    "Import finished",
    "Line number",
    # django-simple-history
    "Choose a date from the list below",
    "Changed by",
    "Change reason",
    "Change history",
    "doesn't have a change history",
    "Revert",
    # django-axes
    "Access attempts",
    "Access failures",
    "Access logs",
    "Failed Logins",
    "Attempt Time",
    "User Agent",
]
ENGLISH = re.compile("|".join(re.escape(phrase) for phrase in ENGLISH_UI))
MAX_DEPTH = 3
PER_KIND = 1  # pages of each kind (the address with its numbers taken out)
SKIP = ("/konto/logga-ut/", "/static/", "/favicon.ico", "/admin/logout/", "/admin/jsi18n/")


class Links(HTMLParser):
    """The page's links and its visible text (not scripts, styles or attribute values)."""

    def __init__(self):
        super().__init__()
        self.links, self.text, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def kind_of(url: str) -> str:
    """The kind of page: its path with every number as N, and its parameters' names."""
    parts = urlsplit(url)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(names)


def crawl(client: Client, starts: list[str]) -> tuple[list[str], int]:
    """Breadth-first over the site's own links; the problems found and the pages read."""
    queue = deque((start, 0) for start in starts)
    seen, kinds, problems = set(), {}, []
    while queue:
        url, depth = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        kind = kind_of(url)
        if kinds.get(kind, 0) >= PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
        if response.status_code in (400, 404, 500):  # a link of the site that the page refuses is dead too
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code in (301, 302) and depth < MAX_DEPTH:
            queue.append((response["Location"], depth + 1))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        if found := ENGLISH.search(" ".join(parser.text)):
            problems.append(f"{url}: English “{found.group(0)}”")
        if depth >= MAX_DEPTH:
            continue
        for href in parser.links:
            target, _fragment = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue  # another site (mailto:, a Kolada page)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP) or "_export=" in path or "format=" in path or "/pdf/" in path:
                continue  # downloads and logging out are not pages
            queue.append((path, depth + 1))
    return problems, len(seen)


def person(role: str):
    group = {"administrator": ADMINISTRATORS, "reporter": REPORTERS, "member": COMMITTEE_MEMBERS}[role]
    user = get_user_model().objects.create_user(username=f"crawl-{role}", is_staff=role != "member")
    user.groups.add(Group.objects.get(name=group))
    if role == "reporter":
        OrganisationalUnit.objects.get(name="Akutvård").reporters.add(user)
    return user


@pytest.mark.parametrize("role", ["administrator", "reporter", "member"])
def test_every_link_answers_and_every_page_is_swedish(role):
    client = Client()
    user = person(role)
    client.force_login(user)
    starts = ["/", "/admin/"] if user.is_staff else ["/"]
    problems, pages = crawl(client, starts)
    assert sorted(problems)[:40] == []
    assert pages > (60 if user.is_staff else 10)  # every kind of page once: a member has a dozen kinds
