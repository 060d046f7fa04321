"""Every goal and measure of the seed plans sits where its document puts it: under the heading
that comes before it in the document's text. Checked against the seed documents themselves
(../shared/seeds), so a transcription that files a result goal under the wrong priority area,
or a measure under the wrong goal, fails here rather than on a goal page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from goalplan.models import Goal, Plan
from kpis.models import Measure

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside this checkout"),
]


def flattened(name: str) -> str:
    """The document as one line: end-of-line hyphenation undone, runs of white space one space,
    dashes as hyphens (the transcription writes "miljö- och", the PDF "miljö-och")."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    text = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", text).replace("–", "-").replace("- ", "-")


def key(title: str, length: int = 45) -> str:
    return re.sub(r"\s+", " ", title).replace("–", "-").replace("- ", "-")[:length]


def heading_lines(name: str) -> list[str]:
    """The document's lines, each as key() writes it (a heading is a line of its own)."""
    return [key(line.strip(), 200) for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()]


def line_of(lines: list[str], text: str, start: int) -> int:
    """The first line from ``start`` that begins the text (a title wrapped over lines begins with
    its first line)."""
    wanted = key(text, 200)
    for number in range(start, len(lines)):
        line = lines[number]
        if len(line) >= 12 and (wanted.startswith(line) or line.startswith(wanted[:45])):
            return number
    raise AssertionError(f"not in the document: {text[:60]}")


def test_hsn_2021_result_goals_and_measures_are_under_their_documents_headings():
    lines = heading_lines("000_2454514f4c68c8dc.txt")
    start = next(n for n, line in enumerate(lines) if line.startswith("Strategi för länets utveckling handlar"))
    plan = Plan.objects.get(title__startswith="Verksamhetsplan 2021")
    goals = list(Goal.objects.filter(plan=plan))
    place = {goal.pk: line_of(lines, goal.title, start + 1) for goal in goals}
    priority_areas = [goal for goal in goals if goal.kind == Goal.Kind.PRIORITY_AREA]

    def heading_before(number: int, candidates) -> int | None:
        before = [goal for goal in candidates if place[goal.pk] < number]
        return max(before, key=lambda goal: place[goal.pk]).pk if before else None

    misplaced = [
        goal.title
        for goal in goals
        if goal.kind == Goal.Kind.RESULT_GOAL and heading_before(place[goal.pk], priority_areas) != goal.parent_id
    ]
    measures = Measure.objects.filter(plan=plan)
    for measure in measures:
        if heading_before(line_of(lines, measure.name, start), goals) != measure.goal_id:
            misplaced.append(measure.name)
    assert misplaced == []
    assert len(goals) == 24 and measures.count() == 42


def test_rs_2018_success_factors_are_under_their_strategic_goals():
    text = flattened("002_b4934941f1ca7a1c.txt")
    headings = [(match.start(), match.group(1)) for match in re.finditer(r"Strategiskt mål: ?(?=(.{0,60}))", text)]
    start = text.index("4.2 Framgångsfaktorer")  # the summary before it names some factors too
    plan = Plan.objects.get(title="Regionstyrelsens verksamhetsplan 2018")
    factors = Goal.objects.filter(plan=plan, kind=Goal.Kind.SUCCESS_FACTOR).select_related("parent")
    misplaced = []
    for factor in factors:
        position = text.index(key(factor.title, 30), start)
        heading = max((h for h in headings if h[0] < position), default=(0, ""))[1]
        if not heading.lower().startswith(key(factor.parent.title, 12).lower()):
            misplaced.append((factor.title, heading, factor.parent.title))
    assert misplaced == []
    assert factors.count() == 41
