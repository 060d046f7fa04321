"""Where the seed fixtures live and in which order they load."""

from pathlib import Path

from django.conf import settings

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def seed_fixture_paths() -> list[Path]:
    """The seed fixtures (``NN_name.json``) in load order: common data first, then per document."""
    return sorted(FIXTURE_DIR.glob("[0-9][0-9]_*.json"))
