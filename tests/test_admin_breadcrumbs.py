"""Our own admin pages write their breadcrumbs as Django 6 does (an ordered list, which its styles
and screen readers expect), through one partial: a page with the old <div> form showed them
unstyled, flush against the window's edge."""

from pathlib import Path

import pytest
from django.conf import settings

from meetings.models import FollowUpReport

pytestmark = pytest.mark.django_db


def test_no_admin_template_writes_the_old_breadcrumbs():
    templates = Path(settings.BASE_DIR) / "templates" / "admin"
    old = [str(path) for path in templates.rglob("*.html") if '<div class="breadcrumbs">' in path.read_text()]
    assert old == []


def test_the_custom_pages_show_their_trail(admin_client_sv):
    report = FollowUpReport.objects.filter(plan__isnull=False).order_by("pk").first()
    pages = {
        "/admin/kpis/outcome/import/": "Importera utfall från en fil",
        "/admin/kpis/outcome/enter/": "Registrera utfall för en period",
        "/admin/kpis/nationalvalue/kolada/": None,
        f"/admin/meetings/followupreport/{report.pk}/approve/": "Godkänn",
    }
    for url, last in pages.items():
        html = admin_client_sv.get(url).content.decode()
        trail = html[
            html.index('<ol class="breadcrumbs">') : html.index("</ol>", html.index('<ol class="breadcrumbs">'))
        ]
        assert '<li><a href="/admin/">Hem</a></li>' in trail, url
        if last:
            assert f'<li aria-current="page">{last}</li>' in trail, (url, trail)
