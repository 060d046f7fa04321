"""Load test: gunicorn on PostgreSQL with region-scale data, 50 committee members reading while
5 administrators save outcomes; once without and once with the Redis dashboard cache.

Run by hand after bench/status_engine.py has filled its database (loopback only, bounded in time):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malstyrning_bench \\
        .venv/bin/python bench/loadtest.py --seconds 60

Reports requests/s, p50/p95 latency per kind of request and errors (HTTP 5xx, timeouts,
connection failures). Target: 0 errors, p95 under 1 s on the 2-core machines.
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PORT = 8799
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "last-test-lösen-2025"
READERS, WRITERS = 50, 5
THINK_SECONDS = (1.0, 3.0)  # between page views; set to (0, 0) for a stress test
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare() -> tuple[int, list[int], list[int]]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from goalplan.models import OrganisationalUnit, Plan

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    users = get_user_model()
    for i in range(READERS):
        user, created = users.objects.get_or_create(username=f"ledamot{i}")
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name="Nämndledamöter"))
    for i in range(WRITERS):
        user, created = users.objects.get_or_create(
            username=f"admin{i}", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
    plan = Plan.objects.get(title="Bänkplan")
    return (
        plan.pk,
        list(plan.measures.values_list("pk", flat=True)),
        list(OrganisationalUnit.objects.filter(kind="unit").values_list("pk", flat=True)),
    )


class Session:
    def __init__(self, username: str):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/konto/logga-in/")[1]
        _status, landing = self.post(
            "/konto/logga-in/",
            {"csrfmiddlewaretoken": CSRF.search(page).group(1), "username": username, "password": PASSWORD},
        )
        if "konto/logga-ut" not in landing:
            raise RuntimeError(f"{username} could not log in")

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(BASE + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(BASE + path, data=body, headers={"Referer": BASE + path})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()


def run(seconds: int, env: dict, plan_id: int, measures: list[int], units: list[int]) -> None:
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"Port {PORT} is already in use: stop what runs there first.")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            "5",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(BASE + "/healthz/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        timings: dict[str, list[float]] = {"dashboard": [], "measure page": [], "save outcome": []}
        errors: list[str] = []
        lock = threading.Lock()
        stop_at_box = [float("inf")]
        periods = ["ytd-4", "tertial-1", "month-4", "ytd-3"]

        def timed(kind: str, action) -> None:
            started = time.perf_counter()
            try:
                status, _body = action()
                if status >= 500:
                    raise RuntimeError(f"HTTP {status}")
            except Exception as error:  # noqa: BLE001 - every failure counts
                with lock:
                    errors.append(f"{kind}: {error}")
                return
            with lock:
                timings[kind].append(time.perf_counter() - started)

        def reader(index: int) -> None:
            session = Session(f"ledamot{index}")
            ready.wait()
            rng = random.Random(index)
            while time.monotonic() < stop_at_box[0]:
                period = rng.choice(periods)
                timed("dashboard", lambda period=period: session.get(f"/planer/{plan_id}/?year=2025&period={period}"))
                time.sleep(rng.uniform(*THINK_SECONDS))  # a person reads the page before the next click
                measure = rng.choice(measures)
                timed(
                    "measure page",
                    lambda measure=measure, period=period: session.get(
                        f"/matetal/{measure}/?year=2025&period={period}"
                    ),
                )
                time.sleep(rng.uniform(*THINK_SECONDS))

        def writer(index: int) -> None:
            session = Session(f"admin{index}")
            ready.wait()
            rng = random.Random(1000 + index)
            while time.monotonic() < stop_at_box[0]:

                def save():
                    page = session.get("/admin/kpis/outcome/add/")[1]
                    return session.post(
                        "/admin/kpis/outcome/add/",
                        {
                            "csrfmiddlewaretoken": CSRF.search(page).group(1),
                            "measure": rng.choice(measures),
                            "year": 2026,
                            "period_kind": "month",
                            "period_number": rng.randint(1, 12),
                            "unit": rng.choice(units),
                            "sex": "T",
                            "value": f"{rng.randint(30, 90)},5",
                            "accomplished": "unknown",
                            "count": "",
                            "comment": "last",
                            "change_reason": "",
                        },
                    )

                timed("save outcome", save)
                time.sleep(1)

        # Everyone logs in first (argon2 is slow on purpose); the clock starts when all are in.
        ready = threading.Barrier(READERS + WRITERS + 1)
        threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
        threads += [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        ready.wait()
        started = time.monotonic()
        stop_at_box[0] = started + seconds
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        total = sum(len(values) for values in timings.values())
        print(f"  {total:,} requests in {elapsed:.0f} s = {total / elapsed:.1f} requests/s, {len(errors)} errors")
        for kind, values in timings.items():
            if values:
                values.sort()
                p95 = values[int(len(values) * 0.95) - 1]
                print(
                    f"  {kind:14s} n={len(values):6,}  p50 {statistics.median(values) * 1000:6.0f} ms  "
                    f"p95 {p95 * 1000:6.0f} ms"
                )
        for error in errors[:5]:
            print("   ", error)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--no-think", action="store_true", help="no pause between page views (stress test)")
    args = parser.parse_args()
    if args.no_think:
        global THINK_SECONDS
        THINK_SECONDS = (0.0, 0.0)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database filled by bench/status_engine.py.")
    production = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "load-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "AXES_ENABLED": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(production)
    plan_id, measures, units = prepare()
    base_env = {**os.environ, **production}
    print(
        f"{READERS} committee members reading dashboards and measure pages ({THINK_SECONDS[0]:g}–{THINK_SECONDS[1]:g} s "
        f"between clicks), {WRITERS} administrators saving outcomes, {args.seconds} s each, gunicorn 5 workers"
    )
    print("without cache:")
    run(args.seconds, {**base_env, "DASHBOARD_CACHE": "false"}, plan_id, measures, units)
    print(f"with the Redis dashboard cache ({args.redis}):")
    run(args.seconds, {**base_env, "REDIS_URL": args.redis, "DASHBOARD_CACHE": "true"}, plan_id, measures, units)


if __name__ == "__main__":
    main()
