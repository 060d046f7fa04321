"""Meeting day at region scale, for locust: committee members reading, administrators saving outcomes.

Started by bench/load.py, which prepares the users and the scenario file (plan, measures, goals,
units, report) and runs gunicorn; by hand (loopback only):

    locust --headless -f bench/locustfile.py --host http://127.0.0.1:8799 -u 55 -r 5 -t 300s \\
        --scenario /tmp/load-…/scenario.json --administrators 5 --measure-seconds 60

Every request is named by its kind ("dashboard", "measure page", "save outcomes", …), so locust
reports requests/s and percentiles per kind rather than per address.
"""

import itertools
import json
import random
import re
from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task

LOGIN_PATH = "/konto/logga-in/"
ENTRY_PATH = "/admin/kpis/outcome/enter/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What a member reads on meeting day (the tertial report meeting in May): the tertial and the
# year to date per April most, the month and the previous month's year to date less.
PERIODS = ["tertial-1", "tertial-1", "ytd-4", "ytd-4", "month-4", "ytd-3"]
# Administrators enter the months after the approved tertial report (which locks January–April).
ENTRY_MONTHS = [5, 6, 7, 8]
SIGN_IN_KINDS = {"sign in page", "sign in"}
# What happens before --measure-seconds starts the figures anew, kept for the report: every
# sign-in's time (argon2 is slow on purpose) and every failure (a failure is one whenever it is).
before_figures: dict = {"sign_ins": defaultdict(list), "failures": defaultdict(int)}
figures_started = False
signed_in = itertools.count(1)


@events.init_command_line_parser.add_listener
def add_arguments(parser):
    parser.add_argument("--scenario", default="", help="the JSON file bench/load.py writes (plan, users, ids)")
    parser.add_argument("--administrators", type=int, default=5, help="how many of the users save outcomes")
    parser.add_argument(
        "--before-figures", default="", help="a JSON file for the sign-ins' times and the failures before the reset"
    )
    # Not locust's --reset-stats: that fires once the users are spawned, while they still sign in.
    parser.add_argument(
        "--measure-seconds",
        type=float,
        default=0,
        help="start the figures anew once every user has signed in and stop this many seconds later "
        "(0: figures over the whole run, up to -t)",
    )


@events.request.add_listener
def keep_what_the_reset_drops(request_type, name, response_time, exception=None, **_kwargs):
    if name in SIGN_IN_KINDS:
        before_figures["sign_ins"][name].append((response_time, exception is not None))
    if exception is not None and not figures_started:
        before_figures["failures"][f"{request_type} {name}: {exception}"] += 1


@events.quitting.add_listener
def write_before_figures(environment, **_kwargs):
    if environment.parsed_options is not None and environment.parsed_options.before_figures:
        with open(environment.parsed_options.before_figures, "w", encoding="utf-8") as file:
            json.dump(before_figures, file)


@events.init.add_listener
def fix_administrator_count(environment, **_kwargs):
    # The rest of -u are committee members: 50 + 5 is "-u 55 --administrators 5".
    if environment.parsed_options is not None:
        Administrator.fixed_count = environment.parsed_options.administrators


@cache
def scenario(path: str) -> dict:
    if not path:
        raise RuntimeError("--scenario is required: run bench/load.py, which writes it")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


class FormFields(HTMLParser):
    """The fields a browser would post from the page's POST form: (name, value) in page order."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_post_form = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_post_form = (attributes.get("method") or "").lower() == "post"
        elif not self._in_post_form:
            return
        elif tag == "input" and attributes.get("name"):
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.fields.append((attributes["name"], attributes.get("value") or ""))
        elif tag == "select":
            self._select, self._select_value, self._first_option = attributes.get("name"), None, None
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in attributes:
                self._select_value = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "select" and self._select:
            self.fields.append((self._select, self._select_value or self._first_option or ""))
            self._select = None


def post_form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class SignedInUser(FastHttpUser):
    """Signs in through the login page, as a person does; every request names its kind.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load runs on the same
    two cores as the server, and requests' own work per request was a fifth of a core at 200
    members, taken from the server being measured."""

    abstract = True
    prefix = ""
    usernames: itertools.count  # each kind numbers its own users: last-ledamot-0, last-admin-0, …

    def on_start(self):
        try:
            self.sign_in()
        finally:
            options = self.environment.parsed_options
            if next(signed_in) == options.num_users and options.measure_seconds:
                # Meeting day, not everyone signing in at once: the figures are the steady state.
                global figures_started
                figures_started = True
                self.environment.stats.reset_all()
                gevent.spawn_later(options.measure_seconds, self.environment.runner.quit)

    def sign_in(self):
        self.scenario = scenario(self.environment.parsed_options.scenario)
        self.index = next(self.usernames)
        self.rng = random.Random(f"{self.prefix}{self.index}")
        page = self.read(LOGIN_PATH, "sign in page")
        token = CSRF_FIELD.search(page.text)
        fields = [
            ("csrfmiddlewaretoken", token.group(1) if token else ""),
            ("username", f"{self.prefix}{self.index}"),
            ("password", self.scenario["password"]),
        ]
        with self.post_form(LOGIN_PATH, fields, "sign in") as response:
            # A failed login shows the form again (200); only a redirect is a signed-in person.
            if response.status_code != 302:
                response.failure(f"not signed in (HTTP {response.status_code})")

    def post_form(self, path: str, fields: list[tuple[str, str]], kind: str):
        """A form posted as a browser posts it (its fields urlencoded in page order, the page as
        Referer), not following the redirect: the caller judges the response."""
        return self.client.post(
            path,
            data=urlencode(fields),
            headers={"Referer": self.host + path, "Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            name=kind,
            catch_response=True,
        )

    def read(self, path: str, kind: str, *, content_type: str = "text/html"):
        """A page a person opens: 200 with the expected content, never a redirect to the login."""
        with self.client.get(path, name=kind, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.headers.get("Content-Type", "").startswith(content_type):
                response.failure(f"expected {content_type}, got {response.headers.get('Content-Type')}")
            return response


class CommitteeMember(SignedInUser):
    """A committee member reading the plan on meeting day: a click every 1–3 s."""

    wait_time = between(1, 3)
    weight = 1
    prefix = "last-ledamot-"
    usernames = itertools.count()

    def period_query(self) -> str:
        return f"year={self.scenario['year']}&period={self.rng.choice(PERIODS)}"

    @task(4)
    def dashboard(self):
        self.read(f"/planer/{self.scenario['plan']}/?{self.period_query()}", "dashboard")

    @task(2)
    def dashboard_of_a_unit(self):
        # A member follows a few units of their own (their hospital, their clinic), not all 60.
        unit = self.rng.choice(self.scenario["units"][:5])
        self.read(f"/planer/{self.scenario['plan']}/?{self.period_query()}&unit={unit}", "dashboard, one unit")

    @task(3)
    def measure_page(self):
        self.read(f"/matetal/{self.rng.choice(self.scenario['measures'])}/?{self.period_query()}", "measure page")

    @task(2)
    def goal_page(self):
        self.read(f"/mal/{self.rng.choice(self.scenario['goals'])}/?{self.period_query()}", "goal page")

    @task(1)
    def tertial_report_pdf(self):
        # The approved report's PDF is its frozen bytes (one row read): cheap, and what members
        # download before the meeting. A draft's PDF is made in the request and limited per person
        # (REPORT_PDF_RENDERS_PER_MINUTE), so it is not a page to load-test by the dozen.
        response = self.read(
            f"/rapporter/{self.scenario['report']}/pdf/", "tertial report PDF", content_type="application/pdf"
        )
        if response.status_code == 200 and not response.content.startswith(b"%PDF"):
            response.failure("not a PDF")


class Administrator(SignedInUser):
    """An administrator correcting a few of a unit's figures on the entry page, at month end.

    Opening the page, reading it and typing a handful of values takes 10–20 s; after the save the
    person looks at the result and picks the next unit (5–15 s). About two saves a minute each:
    a busy deadline, not a person pasting a whole month (that is the import's job).
    """

    wait_time = between(5, 15)
    weight = 0
    fixed_count = 5
    prefix = "last-admin-"
    usernames = itertools.count()
    typing_seconds = (10, 20)
    values_changed = (3, 8)

    def sign_in(self):
        super().sign_in()
        # Each administrator enters their own units, as the work is shared out: two people saving
        # the same unit's month at once get the conflict message, which is right but not load.
        count = max(1, self.environment.parsed_options.administrators)
        self.units = self.scenario["units"][self.index % count :: count] or self.scenario["units"]

    @task
    def save_outcomes(self):
        query = (
            f"plan={self.scenario['plan']}&year={self.scenario['year']}&period_kind=month"
            f"&period_number={self.rng.choice(ENTRY_MONTHS)}&unit={self.rng.choice(self.units)}"
        )
        page = self.read(f"{ENTRY_PATH}?{query}", "entry page")
        if page.status_code != 200:
            return
        fields = post_form_fields(page.text)
        value_fields = [i for i, (name, _value) in enumerate(fields) if name.endswith("-value")]
        if not value_fields:
            page.failure("no outcome fields on the entry page")
            return
        for i in self.rng.sample(value_fields, min(len(value_fields), self.rng.randint(*self.values_changed))):
            fields[i] = (fields[i][0], f"{self.rng.uniform(30, 70):.1f}".replace(".", ","))
        # The plan is decided: a change needs a reason, kept in the history.
        fields = [(name, value) for name, value in fields if name != "change_reason"]
        fields.append(("change_reason", "Rättad efter avstämning med enheten"))
        gevent.sleep(self.rng.uniform(*self.typing_seconds))
        with self.post_form(f"{ENTRY_PATH}?{query}", fields, "save outcomes") as response:
            # Saved: a redirect back to the page. Refused (a conflict, a lock, a bad value): the
            # page again with the message (200), which the person did not mean either.
            if response.status_code != 302:
                response.failure(f"not saved (HTTP {response.status_code})")
                return
        self.read(f"{ENTRY_PATH}?{query}", "entry page")
