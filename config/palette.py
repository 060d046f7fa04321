"""The product's colours, read from static/css/palette.css (the one place they are written) for
what is drawn in Python: the charts' lines. Here, not in an app, so any app may use it."""

import re
from pathlib import Path

from django.conf import settings

PALETTE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "palette.css"
_CUSTOM_PROPERTY = re.compile(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;")


def read_palette(css: str) -> dict[str, str]:
    """{"status-green": "#rrggbb", ...}: every ``--name: #colour;`` of the stylesheet."""
    return dict(_CUSTOM_PROPERTY.findall(css))


PALETTE = read_palette(PALETTE_CSS.read_text())
