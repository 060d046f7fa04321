"""Load test: gunicorn on PostgreSQL at region scale, driven by locust (bench/locustfile.py).

Committee members read the plan on meeting day (dashboards, measure and goal pages, the approved
tertial report) while administrators save outcomes on the entry page. Run by hand, on a copy of
the database bench/status_engine.py fills (loopback only, bounded in time):

    pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_load_bench .venv/bin/python bench/load.py
    DATABASE_URL=… .venv/bin/python bench/load.py --redis --members 200

It prepares the database (migrations; the members of the plan's body and the administrators;
goals and an approved tertial report when the data has none), starts gunicorn on 127.0.0.1,
runs locust headless for --seconds, prints requests/s and p50/p95/max per kind of request and
every failure, and stops gunicorn whatever happens. It writes only to the database and to a
directory of its own under /tmp (static files, logs, locust's CSV). Target (issue 14): 0
failures and p95 under 1 s for every kind, on a 2-core machine.
"""

import argparse
import csv
import datetime
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

# Nothing written outside /tmp and the database, not even __pycache__ next to the sources.
sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
BIN = Path(sys.executable).parent
PLAN_TITLE = "Bänkplan"  # made by bench/status_engine.py
YEAR = 2025  # the plan's year in that data
PASSWORD = "last-test-lösen-2025"
GOALS = 20
# Production settings on plain HTTP over the loopback (no TLS in front of it here).
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "load-test-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    # Members read only their own body's plans: the reading rule is part of every page's cost.
    "DJANGO_COMMITTEE_PAGES_VISIBILITY": "members",
}


def prepare(*, members: int, administrators: int) -> dict:
    """Make the database ready for the run (idempotent) and return the locustfile's scenario."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from goalplan.models import Goal, OrganisationalUnit, Plan
    from goalplan.roles import ADMINISTRATORS, COMMITTEE_MEMBERS
    from kpis.models import Measure

    call_command("migrate", verbosity=0)
    plan = Plan.objects.select_related("body").filter(title=PLAN_TITLE).first()
    if plan is None:
        sys.exit(f"No plan {PLAN_TITLE!r} in the database: fill a copy with bench/status_engine.py first.")

    users = get_user_model()
    # One hash for every load-test user (same password): argon2 is slow on purpose, 200 of them
    # would take a minute for nothing.
    hashed = make_password(PASSWORD)
    member_names = [f"last-ledamot-{i}" for i in range(members)]
    admin_names = [f"last-admin-{i}" for i in range(administrators)]
    existing = set(users.objects.filter(username__in=member_names + admin_names).values_list("username", flat=True))
    users.objects.bulk_create(
        [users(username=name, password=hashed) for name in member_names if name not in existing]
        + [users(username=name, password=hashed, is_staff=True) for name in admin_names if name not in existing]
    )
    member_users = list(users.objects.filter(username__in=member_names))
    admin_users = list(users.objects.filter(username__in=admin_names))
    Group.objects.get(name=COMMITTEE_MEMBERS).user_set.add(*member_users)
    Group.objects.get(name=ADMINISTRATORS).user_set.add(*admin_users)
    plan.body.members.add(*member_users)

    measures = list(Measure.objects.filter(plan=plan).order_by("order").values_list("pk", flat=True))
    if not plan.goals.exists():
        # The generated data has measures only; a plan has goals, each followed by its measures.
        goals = Goal.objects.bulk_create(
            Goal(plan=plan, kind=Goal.Kind.RESULT_GOAL, code=str(i + 1), title=f"Bänkmål {i + 1:02d}", order=i)
            for i in range(GOALS)
        )
        for i, goal in enumerate(goals):
            Measure.objects.filter(pk__in=measures[i::GOALS]).update(goal=goal)
    return {
        "password": PASSWORD,
        "year": YEAR,
        "plan": plan.pk,
        "measures": measures,
        "goals": list(plan.goals.order_by("order").values_list("pk", flat=True)),
        "units": list(
            OrganisationalUnit.objects.filter(kind="unit", is_active=True).order_by("name").values_list("pk", flat=True)
        ),
        "report": approved_tertial_report(plan, approver=admin_users[0]).pk,
    }


def approved_tertial_report(plan, *, approver):
    """The plan's tertial report per April, approved (its PDF frozen once, here, not in the run)."""
    from meetings.models import FollowUpReport
    from meetings.services import approve_report

    report, _created = FollowUpReport.objects.get_or_create(
        body=plan.body,
        plan=plan,
        kind=FollowUpReport.Kind.TERTIAL,
        period_end=datetime.date(YEAR, 4, 30),
        defaults={"title": f"Tertialrapport 1 {YEAR} – {plan.title}"},
    )
    if not report.is_approved:
        started = time.perf_counter()
        report = approve_report(report=report, user=approver)
        print(f"approved the tertial report in {time.perf_counter() - started:.1f} s (PDF frozen)")
    return report


def interrupt(_signum, _frame):
    """Ctrl-C and SIGTERM (a timeout, a kill) unwind through finally, so gunicorn is stopped."""
    raise KeyboardInterrupt


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(server: subprocess.Popen, base: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer /healthz/ within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen | None, name: str, polite: signal.Signals) -> None:
    """End a child we started (its own process group: gunicorn's workers too), politely first."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, polite)
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop within 40 s: killed")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


HEADER = f"{'kind':22s} {'requests':>8s} {'failures':>8s} {'req/s':>6s} {'p50 ms':>7s} {'p95 ms':>7s} {'max ms':>7s}"


def summarise(stats_csv: Path, failures_csv: Path, *, p95_limit_ms: int) -> bool:
    """Print locust's figures per kind of request; True when every kind meets the target."""
    with stats_csv.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    met = True
    print(HEADER)
    for row in rows:
        is_total = row["Name"] == "Aggregated"
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        if not requests:
            continue  # a kind made only before the figures started (the sign-ins)
        p95 = row["95%"]
        ok = failures == 0 and p95 != "N/A" and int(p95) < p95_limit_ms
        met &= ok or is_total
        print(
            f"{'all' if is_total else row['Name']:22s} {requests:8d} {failures:8d} {float(row['Requests/s']):6.1f} "
            f"{row['50%']:>7s} {p95:>7s} {float(row['Max Response Time']):7.0f}"
            f"{'' if is_total else ('' if ok else '  <- misses the target')}"
        )
    with failures_csv.open(encoding="utf-8") as file:
        failures = list(csv.DictReader(file))
    for failure in failures:
        print(f"  failed {failure['Occurrences']}×: {failure['Method']} {failure['Name']}: {failure['Error'][:200]}")
    return met


def summarise_before_figures(path: Path) -> tuple[int, int]:
    """Print what the locustfile kept from before the figures started: the sign-ins' times and
    every failure. Returns (users signed in, failures before the figures)."""
    before = json.loads(path.read_text(encoding="utf-8"))
    print("sign-ins, before the figures start:")
    print(HEADER)
    for kind, times in sorted(before["sign_ins"].items()):
        durations = sorted(ms for ms, _failed in times)
        failures = sum(failed for _ms, failed in times)
        p50, p95 = durations[len(durations) // 2], durations[max(0, math.ceil(len(durations) * 0.95) - 1)]
        print(f"{kind:22s} {len(durations):8d} {failures:8d} {'':>6s} {p50:7.0f} {p95:7.0f} {durations[-1]:7.0f}")
    for failure, count in before["failures"].items():
        print(f"  failed {count}× before the figures started: {failure[:200]}")
    signed_in = sum(not failed for _ms, failed in before["sign_ins"].get("sign in", []))
    return signed_in, sum(before["failures"].values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=None, help="committee members (default 50, 200 with --redis)")
    parser.add_argument("--administrators", type=int, default=5)
    parser.add_argument(
        "--seconds", type=int, default=60, help="how long the figures are taken, from when every user has signed in"
    )
    # Sign-ins are argon2 (about 100 MB and a few tenths of a CPU second each, on purpose): two
    # cores sign in a few people a second at best, so 200 members take a minute or more.
    parser.add_argument("--spawn-rate", type=float, default=5, help="users starting to sign in per second")
    parser.add_argument(
        "--sign-in-seconds", type=int, default=240, help="at most this long for everyone to sign in (else the run ends)"
    )
    parser.add_argument(
        "--redis",
        nargs="?",
        const="redis://127.0.0.1:6379/15",
        default=None,
        metavar="URL",
        help="run with REDIS_URL (default redis://127.0.0.1:6379/15)",
    )
    # 2 × cores + 1 sync workers, as `make serve` runs production: a page is Python work (the
    # status engine, templates) under the GIL, so threads add no throughput on two cores, while a
    # fifth process keeps both cores busy when others wait on PostgreSQL (on the same machine).
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2) + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--p95-limit-ms", type=int, default=1000)
    args = parser.parse_args()
    members = args.members if args.members is not None else (200 if args.redis else 50)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a copy of the PostgreSQL database filled by bench/status_engine.py.")
    run_dir = Path(tempfile.mkdtemp(prefix="load-", dir="/tmp"))
    # The preparation runs with the server's settings too: approving the report must reach the
    # cache the server reads.
    os.environ.update({**PRODUCTION, "DJANGO_STATIC_ROOT": str(run_dir / "static"), "PYTHONDONTWRITEBYTECODE": "1"})
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    else:
        os.environ.pop("REDIS_URL", None)
    env = dict(os.environ)

    started = time.perf_counter()
    # Hashing and compressing the static files takes a minute on a busy machine: meanwhile the
    # database is prepared (the report's PDF reads the stylesheet from the source tree).
    collecting = subprocess.Popen(
        [BIN / "python", "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env
    )
    try:
        scenario = prepare(members=members, administrators=args.administrators)
    finally:
        if collecting.wait() != 0:
            sys.exit("collectstatic failed")
    (run_dir / "scenario.json").write_text(json.dumps(scenario), encoding="utf-8")
    print(f"prepared in {time.perf_counter() - started:.0f} s; files in {run_dir}")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log, locust_log = run_dir / "gunicorn.log", run_dir / "locust.log"
    server = runner = None
    interrupted = False
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)  # also when started in the background, which ignores it
    try:
        with server_log.open("w") as log:
            server = subprocess.Popen(
                [BIN / "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
                + ["--threads", str(args.threads), "--timeout", "60", "--log-level", "warning"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped by us, not by a stray signal
            )
        wait_until_up(server, base, server_log)
        print(
            f"{members} committee members (1–3 s between clicks), {args.administrators} administrator(s) saving "
            f"outcomes, {args.seconds} s, gunicorn {args.workers} workers × {args.threads} threads on {base}, "
            f"{'Redis ' + args.redis if args.redis else 'without Redis'}"
        )
        print(f"uptime before: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        with locust_log.open("w") as log:
            runner = subprocess.Popen(
                [BIN / "locust", "--headless", "--only-summary", "-f", ROOT / "bench" / "locustfile.py"]
                + ["--host", base, "-u", str(members + args.administrators), "-r", str(args.spawn_rate)]
                + ["-t", f"{args.sign_in_seconds + args.seconds}s", "--stop-timeout", "30", "--csv", run_dir / "locust"]
                + ["--scenario", run_dir / "scenario.json", "--administrators", str(args.administrators)]
                + ["--before-figures", run_dir / "before_figures.json", "--measure-seconds", str(args.seconds)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                # locust's own -t bounds it; this is the backstop
                runner.wait(timeout=args.sign_in_seconds + args.seconds + 120)
            except subprocess.TimeoutExpired:
                print("locust overran its time: stopped")
        print(f"uptime after:  {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted")
    finally:
        stop(runner, "locust", signal.SIGTERM)  # locust's own handler: it still writes its figures
        stop(server, "gunicorn", signal.SIGTERM)
        shutil.rmtree(run_dir / "static", ignore_errors=True)  # 20 MB of copies; the figures stay
    stats = run_dir / "locust_stats.csv"
    if not stats.exists():
        sys.exit(f"locust wrote no statistics; see {locust_log}")
    users = members + args.administrators
    before = run_dir / "before_figures.json"
    signed_in, failed_before = summarise_before_figures(before) if before.exists() else (0, 0)
    if signed_in == users:
        span = "until interrupted" if interrupted else f"over {args.seconds} s"
        print(f"figures {span} from when all {users} users had signed in:")
    else:
        print(f"only {signed_in} of {users} users signed in within {args.sign_in_seconds} s: figures of the whole run")
    met = summarise(stats, run_dir / "locust_failures.csv", p95_limit_ms=args.p95_limit_ms)
    met = met and signed_in == users and not failed_before
    server_errors = [line for line in server_log.read_text().splitlines() if "ERROR" in line or "Traceback" in line]
    if server_errors:
        print(f"gunicorn logged {len(server_errors)} error lines ({server_log}), the first: {server_errors[0][:300]}")
    print(f"target (0 failures, p95 < {args.p95_limit_ms} ms for every kind): {'met' if met else 'not met'}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
