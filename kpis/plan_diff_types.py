"""What a plan diff holds: sections of entries (goal areas, goals, measures, targets), each added,
removed, changed or unchanged, with the changed fields old -> new; and how an item is named."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy

from goalplan.models import Goal, GoalArea, Plan
from kpis.models import Measure, Target


class ChangeKind(models.TextChoices):
    """How an item of one plan stands in the other."""

    ADDED = "added", gettext_lazy("Added")
    REMOVED = "removed", gettext_lazy("Removed")
    CHANGED = "changed", gettext_lazy("Changed")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")


@dataclass(frozen=True)
class FieldChange:
    """One compared field that differs: its label and the old and new text as printed."""

    label: str
    old: str
    new: str


@dataclass
class DiffEntry:
    """An item (goal area, goal, measure or target) and how it stands: ``old`` is None when it
    was added, ``new`` when it was removed."""

    kind: ChangeKind
    old: object | None
    new: object | None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def current(self):
        """The item as the newer plan has it, else as the older one had it."""
        return self.new if self.new is not None else self.old

    @property
    def old_label(self) -> str:
        return describe(self.old) if self.old is not None else ""

    @property
    def new_label(self) -> str:
        return describe(self.new) if self.new is not None else ""

    @property
    def label(self) -> str:
        return describe(self.current)

    @property
    def measure(self) -> Measure | None:
        """The measure whose page the entry links to (the newer plan's when in both)."""
        current = self.current
        if isinstance(current, Measure):
            return current
        if isinstance(current, Target):
            return current.measure
        return None


@dataclass
class DiffSection:
    """The entries of one kind of item, newer plan's order first, removed ones after."""

    key: str
    title: str
    entries: list[DiffEntry]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for entry in self.entries if entry.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        """Entries per kind, e.g. {"added": 2, "removed": 1, "changed": 3, "unchanged": 10}."""
        return {kind.value: self.count(kind) for kind in ChangeKind}

    @property
    def count_rows(self) -> list[tuple[ChangeKind, int]]:
        """(kind, entries) in the order of ChangeKind, for a table of counts."""
        return [(kind, self.count(kind)) for kind in ChangeKind]

    @property
    def differences(self) -> list[DiffEntry]:
        """The entries that are not unchanged."""
        return [entry for entry in self.entries if entry.kind != ChangeKind.UNCHANGED]

    def listed(self, *, include_unchanged: bool) -> list[DiffEntry]:
        return self.entries if include_unchanged else self.differences


@dataclass
class PlanDiff:
    """Everything that differs from ``old_plan`` to ``new_plan``, section by section."""

    old_plan: Plan
    new_plan: Plan
    goal_areas: DiffSection
    goals: DiffSection
    measures: DiffSection
    targets: DiffSection

    @property
    def sections(self) -> list[DiffSection]:
        return [self.goal_areas, self.goals, self.measures, self.targets]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Entries per section and kind, e.g. counts["measures"]["added"]."""
        return {section.key: section.counts for section in self.sections}

    @property
    def has_differences(self) -> bool:
        return any(section.differences for section in self.sections)


def normalised(text: str) -> str:
    """A name or title as matched: case folded, whitespace collapsed."""
    return " ".join((text or "").split()).casefold()


def _collapsed(text: str) -> str:
    return " ".join((text or "").split())


def describe(item) -> str:
    """The text an item is named by on the page and in the exports."""
    if isinstance(item, GoalArea):
        return item.name
    if isinstance(item, Goal):
        return item.title
    if isinstance(item, Measure):
        return item.name
    if isinstance(item, Target):
        return f"{item.measure.short_name or item.measure.name}: {item.wording} ({item.year})"
    return str(item)
