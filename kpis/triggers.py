"""The SQL of the database triggers that move the data versions (kpis.models.DataVersion).

Every insert, update and delete of a table the cached committee pages read moves a version,
whoever writes: a model's save(), QuerySet.update(), bulk_create/bulk_update, raw SQL, COPY,
loaddata. The versions then move in the same transaction as the data (they are visible exactly
when the data is) and live in the same database, so a reader that takes them before the data,
from the same database, never stores a page under a version newer than what it read.

- A figure (outcome, comparison value, status set by hand) moves the version of its indicator
  (scope 2⁶² + indicator id), before and after the change: the measure page reads one
  indicator's figures (every unit's), so it keys on that version and a save of other indicators'
  figures leaves it cached. A measure, target or goal assessment moves the version of its plan
  (a measure also those of the other plans adopting its indicator, whose measure page lists it).
  Everything else the pages read moves the global version, which is part of every key.
- Each plan has a second version, of its whole scope (scope −plan id): moved by the same writes,
  and by the whole scope's figures of every indicator the plan adopts (not a unit's). The pages
  that read a plan's figures for the whole scope (the dashboard, the goal page) key on it, so an
  administrator saving a clinic's month leaves the region's dashboard cached.
- A unit's figures also move a version of their own per plan (scope −(plan id × 2³² + unit id)):
  a unit's dashboard keys on it and on the whole scope's version (its goals, targets and
  measures), so saving one clinic's month leaves the other clinics' dashboards cached.
- A version becomes max(version + 1, the time in microseconds): it only grows, and never comes
  back to a value it had, even when the database is restored from a backup or recreated (a test
  database) while Redis keeps the pages cached under the old values.
- PostgreSQL runs one trigger per statement, reading the changed rows from its transition
  tables, so a bulk import or COPY costs one version update per statement, not per row. SQLite
  has only row triggers: one small upsert per row.

The migrations that create the triggers call these functions (kpis 0013, meetings 0005). A
table the pages start to read needs a migration that calls ``create_statements`` for it; a change
of a table's rule, one that calls ``drop_table_statements`` and then ``create_statements``. On
SQLite a later migration that makes Django rebuild a watched table (most AlterField operations)
drops its triggers: such a migration must create them again. The guard test
(tests/test_cache_triggers.py) fails until each of these is done.
"""

from dataclasses import dataclass

VERSION_TABLE = "kpis_dataversion"
GLOBAL_SCOPE = 0
GLOBAL_FUNCTION = "kpis_bump_global_data_version"
EVENTS = ("insert", "update", "delete")

# The microseconds since 1970 now; SQLite's clock has millisecond resolution.
NOW_MICROSECONDS = {
    "postgresql": "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint",
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)",
}
GREATEST = {"postgresql": "GREATEST", "sqlite": "max"}


@dataclass(frozen=True)
class PlansOf:
    """How to find the plans a changed row belongs to: a query of plan ids given its ``column``."""

    column: str
    query: str  # "{keys}" stands for a query of the changed rows' values of column
    # A row of a unit (this column not null) is not the whole scope's: it leaves the plans'
    # whole-scope versions alone and moves the unit's (``unit_query``).
    unit_column: str | None = None
    # "{keys}" stands for a query of (row_key, unit_key) of the changed rows of a unit.
    unit_query: str = ""
    # A figure: moves the version of its indicator (column) rather than the plans' own versions.
    indicator_scope: bool = False


PLANS_ADOPTING_INDICATOR = PlansOf("indicator_id", "SELECT plan_id FROM kpis_measure WHERE indicator_id IN ({keys})")
# Scope −(plan id × 2³² + unit id) for a unit's figures in a plan: below every −plan id while plan
# and unit ids stay under 2³¹ and 2³² (kpis.models.DataVersion.unit_scope_of).
UNIT_SCOPE_FACTOR = 4294967296
# Scope 2⁶² + indicator id for an indicator's figures: above every plan id.
INDICATOR_SCOPE_BASE = 4611686018427387904
FIGURES_OF_INDICATOR = PlansOf(
    "indicator_id", "SELECT plan_id FROM kpis_measure WHERE indicator_id IN ({keys})", indicator_scope=True
)
FIGURES_OF_INDICATOR_OF_SCOPE = PlansOf(
    "indicator_id",
    "SELECT plan_id FROM kpis_measure WHERE indicator_id IN ({keys})",
    indicator_scope=True,
    unit_column="unit_id",
    unit_query=(
        f"SELECT -(plan_id * {UNIT_SCOPE_FACTOR} + unit_key) AS plan_id "
        "FROM kpis_measure JOIN ({keys}) AS changed_units ON indicator_id = row_key"
    ),
)
PLAN_OF_MEASURE = PlansOf("measure_id", "SELECT plan_id FROM kpis_measure WHERE id IN ({keys})")
PLAN_OF_GOAL = PlansOf("goal_id", "SELECT plan_id FROM goalplan_goal WHERE id IN ({keys})")
PLAN_OF_REPORT = PlansOf("report_id", "SELECT plan_id FROM meetings_followupreport WHERE id IN ({keys})")
OWN_PLAN = PlansOf("plan_id", "SELECT row_key AS plan_id FROM ({keys}) AS own_plans")

# The tables whose rows move the versions of plans, and how to find those plans.
PLAN_TABLES: dict[str, tuple[PlansOf, ...]] = {
    "kpis_outcome": (FIGURES_OF_INDICATOR_OF_SCOPE,),
    "kpis_nationalvalue": (FIGURES_OF_INDICATOR,),
    "kpis_statusoverride": (FIGURES_OF_INDICATOR_OF_SCOPE,),
    "kpis_measure": (OWN_PLAN, PLANS_ADOPTING_INDICATOR),
    "kpis_target": (PLAN_OF_MEASURE,),
    "kpis_historicaltarget": (PLAN_OF_MEASURE,),  # the measure page lists the target's versions
    "goalplan_goalassessment": (PLAN_OF_GOAL,),
    # A round's approvals and analyses: the dashboard flags figures changed after approval, the
    # report prints the analyses.
    "meetings_unitapproval": (PLAN_OF_REPORT,),
    "meetings_measureanalysis": (PLAN_OF_REPORT,),
}
# The tables whose rows move the global version. Goals and goal areas too: a plan's dashboard
# shows the goals of the plan above it (Goal.parent), so they are not one plan's alone.
GLOBAL_TABLES = [
    "goalplan_body",
    "goalplan_organisationalunit",
    "goalplan_plan",
    "goalplan_goalarea",
    "goalplan_goal",
    "kpis_indicator",
    "meetings_followupreport",
    # The plan page's reporting rounds: their dates come from the meeting and the body's rule
    # (shown outside the page's cached part, triggered all the same: a page that later caches
    # them cannot forget).
    "meetings_meeting",
    "meetings_reportingrule",
    # The plan page links to its body's budget for the year only when there is one.
    "budget_budgetframe",
    # The goal page's: the goal area's assignments and the bodies a goal is shared with.
    "goalplan_assignment",
    "goalplan_goal_shared_with",
]
# auth_user is read for the names of who recorded a target's version; a login writes last_login,
# which must not empty every cached page, so only a change of a name moves the version.
USER_TABLE = "auth_user"
USER_NAME_COLUMNS = ("username", "first_name", "last_name")


def _upsert(vendor: str, scopes: str) -> str:
    """Move the versions of the scopes (a query of one column, plan_id) in one statement."""
    now, greatest = NOW_MICROSECONDS[vendor], GREATEST[vendor]
    # In scope order, so two transactions moving the same plans lock their rows in one order.
    return (
        f"INSERT INTO {VERSION_TABLE} (scope, version) "
        f"SELECT plan_id, {now} FROM (SELECT DISTINCT plan_id FROM ({scopes}) AS changed_plans) AS changed "
        f"WHERE plan_id IS NOT NULL ORDER BY plan_id "
        f"ON CONFLICT (scope) DO UPDATE SET version = {greatest}({VERSION_TABLE}.version + 1, excluded.version)"
    )


def global_bump_statement(vendor: str) -> str:
    """The statement that moves the global version, part of every page's key: for a migration
    that changes which versions a write moves, so no page cached under the old rule is served."""
    _require_known(vendor)
    return _global_upsert(vendor)


def _global_upsert(vendor: str) -> str:
    now, greatest = NOW_MICROSECONDS[vendor], GREATEST[vendor]
    return (
        f"INSERT INTO {VERSION_TABLE} (scope, version) VALUES ({GLOBAL_SCOPE}, {now}) "
        f"ON CONFLICT (scope) DO UPDATE SET version = {greatest}({VERSION_TABLE}.version + 1, excluded.version)"
    )


def _keys(
    vendor: str, event: str, column: str, *, whole_scope_of: str | None = None, unit_of: str | None = None
) -> str:
    """A query of the changed rows' values of column (before and after the change); of the rows
    whose ``whole_scope_of`` column is null only, when given; with ``unit_of`` as unit_key, of the
    rows where it is not null, when given."""

    def select(row: str, source: str) -> str:
        # row: how a changed row's column is named ("" in a transition table, "NEW." in a row trigger)
        unit = f", {row}{unit_of} AS unit_key" if unit_of else ""
        if whole_scope_of:
            where = f" WHERE {row}{whole_scope_of} IS NULL"
        else:
            where = f" WHERE {row}{unit_of} IS NOT NULL" if unit_of else ""
        return f"SELECT {row}{column} AS row_key{unit}{source}{where}"

    if vendor == "postgresql":
        sources = {"insert": ["new_rows"], "update": ["new_rows", "old_rows"], "delete": ["old_rows"]}[event]
        return " UNION ".join(select("", f" FROM {source}") for source in sources)
    rows = {"insert": ["NEW"], "update": ["NEW", "OLD"], "delete": ["OLD"]}[event]
    return " UNION ".join(select(f"{row}.", "") for row in rows)


def _plans(vendor: str, event: str, lookups: tuple[PlansOf, ...]) -> str:
    """The scopes to move: each plan's id (a figure: its indicator's scope instead), its negated id
    (its whole-scope version) unless only units' rows changed, and each changed unit's scope in
    each plan."""
    plans = [
        f"SELECT {INDICATOR_SCOPE_BASE} + row_key AS plan_id FROM ({_keys(vendor, event, lookup.column)}) AS figures"
        if lookup.indicator_scope
        else lookup.query.format(keys=_keys(vendor, event, lookup.column))
        for lookup in lookups
    ]
    whole_scope = [
        lookup.query.format(keys=_keys(vendor, event, lookup.column, whole_scope_of=lookup.unit_column))
        for lookup in lookups
    ]
    units = [
        lookup.unit_query.format(keys=_keys(vendor, event, lookup.column, unit_of=lookup.unit_column))
        for lookup in lookups
        if lookup.unit_column
    ]
    return " UNION ".join(
        [*plans, *(f"SELECT -plan_id AS plan_id FROM ({query}) AS whole_scope" for query in whole_scope), *units]
    )


def trigger_name(table: str, event: str) -> str:
    return f"{table}_data_version_{event}"


def function_name(table: str) -> str:
    return f"{table}_bump_data_versions"


def global_function_statements(vendor: str) -> list[str]:
    """The function every global trigger runs (PostgreSQL; SQLite triggers hold their own SQL)."""
    if vendor != "postgresql":
        return []
    return [
        f"CREATE FUNCTION {GLOBAL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_global_upsert(vendor)}; RETURN NULL; END $$"
    ]


def drop_global_function_statements(vendor: str) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {GLOBAL_FUNCTION}()"] if vendor == "postgresql" else []


def global_table_statements(vendor: str, table: str, *, update_of: tuple[str, ...] = ()) -> list[str]:
    """Triggers moving the global version on every write of table (on UPDATE of these columns only)."""
    update = "UPDATE" + (f" OF {', '.join(update_of)}" if update_of else "")
    if vendor == "postgresql":
        return [
            f"CREATE TRIGGER {trigger_name(table, 'write')} AFTER INSERT OR {update} OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {GLOBAL_FUNCTION}()"
        ]
    _require_known(vendor)
    clauses = {"insert": "INSERT", "update": update, "delete": "DELETE"}
    return [
        f"CREATE TRIGGER {trigger_name(table, event)} AFTER {clauses[event]} ON {table} FOR EACH ROW "
        f"BEGIN {_global_upsert(vendor)}; END"
        for event in EVENTS
    ]


def plan_table_statements(vendor: str, table: str, lookups: tuple[PlansOf, ...] | None = None) -> list[str]:
    """Triggers moving the versions of the plans the changed rows of table belong to (by
    ``PLAN_TABLES``, or by ``lookups`` for a migration that makes an earlier rule again)."""
    lookups = PLAN_TABLES[table] if lookups is None else lookups
    if vendor == "postgresql":
        branches = " ".join(
            f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{event.upper()}' THEN {_upsert(vendor, _plans(vendor, event, lookups))};"
            for i, event in enumerate(EVENTS)
        )
        transition = {
            "insert": "REFERENCING NEW TABLE AS new_rows",
            "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "delete": "REFERENCING OLD TABLE AS old_rows",
        }
        return [
            f"CREATE FUNCTION {function_name(table)}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {branches} END IF; RETURN NULL; END $$",
            # A transition table belongs to one event, so one trigger per event.
            *(
                f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event.upper()} ON {table} "
                f"{transition[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function_name(table)}()"
                for event in EVENTS
            ),
            # TRUNCATE has no transition table: it moves every page's key.
            f"CREATE TRIGGER {trigger_name(table, 'truncate')} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {GLOBAL_FUNCTION}()",
        ]
    _require_known(vendor)
    return [
        f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event.upper()} ON {table} FOR EACH ROW "
        f"BEGIN {_upsert(vendor, _plans(vendor, event, lookups))}; END"
        for event in EVENTS
    ]


def drop_table_statements(vendor: str, table: str) -> list[str]:
    """Drop every trigger (and PostgreSQL function) the functions above made for table."""
    if vendor == "postgresql":
        names = [*EVENTS, "truncate", "write"]
        return [f"DROP TRIGGER IF EXISTS {trigger_name(table, name)} ON {table}" for name in names] + [
            f"DROP FUNCTION IF EXISTS {function_name(table)}()"
        ]
    _require_known(vendor)
    return [f"DROP TRIGGER IF EXISTS {trigger_name(table, event)}" for event in EVENTS]


def remake_statements(vendor: str, table: str) -> list[str]:
    """Drop and make table's triggers again: after a migration that SQLite carries out by making
    the table anew (adding a column with a default or a foreign key), which drops them."""
    return drop_table_statements(vendor, table) + create_statements(vendor, table)


def create_statements(vendor: str, table: str) -> list[str]:
    """Every statement that makes table's triggers (after the global function exists)."""
    if table in PLAN_TABLES:
        return plan_table_statements(vendor, table)
    if table == USER_TABLE:
        return global_table_statements(vendor, table, update_of=USER_NAME_COLUMNS)
    if table in GLOBAL_TABLES:
        return global_table_statements(vendor, table)
    raise ValueError(f"Say in kpis.triggers whether {table} moves plans' versions or the global one.")


def _require_known(vendor: str) -> None:
    if vendor not in NOW_MICROSECONDS:
        raise NotImplementedError(f"No data version triggers for the {vendor} database (SQLite and PostgreSQL only).")
