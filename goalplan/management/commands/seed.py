"""Load the seed documents and make sure there is an administrator to log in with."""

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from goalplan.models import Plan
from goalplan.seeds import seed_fixture_paths

PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"


def login_url(address: str) -> str:
    """The site's address for what runserver is told to listen on: a bare port is on 127.0.0.1,
    and "all addresses" (0.0.0.0, ::) is reached on this machine as 127.0.0.1 (or ::1)."""
    host, _sep, port = address.rpartition(":")
    if not host:
        host, port = "127.0.0.1", address
    host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "::": "[::1]"}.get(host, host)
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Load the seed fixtures into an empty database and print the administrator's login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the fixtures even if the database already holds plans (overwrites seeded rows).",
        )
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="Where runserver listens (as make run's HOST: 8080, 0.0.0.0:8080, [::1]:8000): the printed login's address.",
        )

    def handle(self, *args, force: bool, username: str, address: str, **options):
        if Plan.objects.exists() and not force:
            self.stdout.write(_("The database already holds plans; the seed fixtures were not reloaded (use --force)."))
        else:
            paths = [str(path) for path in seed_fixture_paths()]
            with transaction.atomic():
                call_command("loaddata", *paths, verbosity=0)
                # Fixtures load without signals: give every audited row its first history entry.
                call_command("populate_history", auto=True, stdout=io.StringIO())
            self.stdout.write(self.style.SUCCESS(_("Loaded %(count)d seed fixtures.") % {"count": len(paths)}))
        password = self._ensure_admin(username)
        self.stdout.write(
            self.style.SUCCESS(
                _("Log in at %(url)s as user '%(username)s' with password '%(password)s'.")
                % {"url": f"{login_url(address)}admin/", "username": username, "password": password}
            )
        )

    def _ensure_admin(self, username: str) -> str:
        """Create the administrator once; its password is kept in .admin-password (git-ignored)."""
        users = get_user_model().objects
        if PASSWORD_FILE.exists() and users.filter(username=username).exists():
            return PASSWORD_FILE.read_text().strip()
        password = secrets.token_urlsafe(12)
        user, _ = users.get_or_create(username=username, defaults={"email": f"{username}@example.invalid"})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        PASSWORD_FILE.write_text(password + "\n")
        PASSWORD_FILE.chmod(0o600)
        return password
