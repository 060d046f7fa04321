"""Who reads what: the reading rule of every committee page and of the admin (the pages that show
figures are assembled in kpis.dashboard)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from goalplan.models import Body, OrganisationalUnit, Plan
from goalplan.roles import REPORTERS, is_administrator


def readable_body_ids(user) -> QuerySet | None:
    """The ids of the bodies whose committee pages the person reads, as a subquery; None for all."""
    # "all": everyone logged in reads every body (the behaviour before membership existed).
    # "members": administrators read every body; reporters the bodies they are a member of and
    # those of the units they report for; everyone else only the bodies they are a member of.
    if settings.COMMITTEE_PAGES_VISIBILITY == "all" or is_administrator(user):
        return None
    if not (user.is_authenticated and user.is_active):
        return Body.objects.none().values("pk")
    # The reporter role is part of the same query (not a query of its own) so that every page
    # pays one query for the rule, whatever the role.
    is_reporter = Exists(get_user_model().groups.through.objects.filter(user_id=user.pk, group__name=REPORTERS))
    return Body.objects.filter(Q(members=user) | Q(is_reporter, units__reporters=user)).values("pk")


def visible_to(user, queryset: QuerySet, *body_fields: str) -> QuerySet:
    """The rows of ``queryset`` whose body (any of ``body_fields``, e.g. "plan__body") one reads."""
    # Every committee view looks its object up through this, so what a person may not read
    # answers 404 exactly like what does not exist.
    body_ids = readable_body_ids(user)
    if body_ids is None:
        return queryset
    rule = Q()
    for body_field in body_fields or ("body",):
        if _leads_to_many(queryset.model, body_field):
            # Through many rows (an indicator's adopting measures): a subquery, so a row read
            # through two plans is listed once.
            rows = queryset.model._base_manager.filter(**{f"{body_field}__in": body_ids}).values("pk")
            rule |= Q(pk__in=rows)
        else:
            rule |= Q(**{f"{body_field}__in": body_ids})
    return queryset.filter(rule)


def _leads_to_many(model, path: str) -> bool:
    """Does the lookup path pass a link to many rows (a reverse foreign key or many-to-many)?"""
    for link in path.split("__"):
        if link == "pk":
            return False
        field = model._meta.get_field(link)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


def visible_bodies(user) -> QuerySet[Body]:
    """The bodies whose plans, budget and calendar the person reads."""
    return visible_to(user, Body.objects.all(), "pk")


def readable_plan_ids(user) -> set[int]:
    """The plans whose pages the person may open: a link to any other is shown as plain text."""
    return set(visible_to(user, Plan.objects.all(), "body").values_list("pk", flat=True))


def related_count(relation: str) -> Coalesce:
    """How many rows of a plan's reverse relation (e.g. "measures"), as a subquery: two counts by
    joins multiply each other's rows (400 measures × 20 goals are 8 000 rows for one plan)."""
    link = Plan._meta.get_field(relation).field.name
    rows = Plan._meta.get_field(relation).related_model._base_manager.filter(**{link: OuterRef("pk")})
    count = rows.order_by().values(link).annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def readable_plans(user) -> QuerySet[Plan]:
    """The plans a person can see (those of the bodies they read), with their body and parent."""
    return visible_to(user, Plan.objects.select_related("body", "parent"), "body")


def plans_for_user(user) -> QuerySet[Plan]:
    """The plans a person can see, newest first, with counts (for the list: a plan's own page
    looks it up by ``readable_plans``, without two counts over its measures and goals)."""
    return (
        readable_plans(user)
        .annotate(measure_count=related_count("measures"), goal_count=related_count("goals"))
        .order_by("-start_year", "body__order", "title")
    )


def units_of_plan(plan: Plan) -> QuerySet[OrganisationalUnit]:
    """The active units a plan's figures can be broken down by: its body's units and every unit
    under them (the council's region unit holds the whole tree, a committee's administration its
    own divisions). A body with no units of its own (a board that plans across the region) has
    every active unit, and so does one whose units are all closed."""
    units = list(OrganisationalUnit.objects.values_list("pk", "parent_id", "body_id", "is_active"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _body_id, _active in units:
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [pk for pk, _parent, body_id, _active in units if body_id == plan.body_id]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    active = OrganisationalUnit.objects.filter(is_active=True)
    open_units = [pk for pk, _parent, _body, is_active in units if is_active and pk in found]
    return active.filter(pk__in=open_units) if open_units else active
