"""The site never links to a period its page refuses: the goal page's links to goals of other
plans (the regionplan's 2021–2023 against HSN 2021's 2020–2021) carry the page's period only
where that plan offers its year. Found by an adversarial review."""

import re

import pytest

from goalplan.models import Goal

pytestmark = pytest.mark.django_db


def test_links_to_serving_goals_of_other_years_do_not_answer_400(admin_client_sv):
    parent = (
        Goal.objects.filter(plan__body__short_name="RF", plan__start_year=2021, children__plan__end_year=2021)
        .distinct()
        .first()
    )
    assert parent is not None, "seed: a Regionplan 2021–2023 goal served by an HSN 2021 goal"
    # 2023 is one of the years the regionplan goal page's own selector offers.
    page = admin_client_sv.get(f"/mal/{parent.pk}/", {"year": "2023", "period": "year"})
    assert page.status_code == 200
    html = page.content.decode()
    child_links = [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(/mal/\d+/(?:\?[^"]*)?)"', html)
        if int(re.search(r"/mal/(\d+)/", link).group(1)) in set(parent.children.values_list("pk", flat=True))
    ]
    assert child_links, "the page links to the goals that serve it"
    statuses = {link: admin_client_sv.get(link).status_code for link in child_links}
    assert set(statuses.values()) == {200}, statuses
