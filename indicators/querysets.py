"""Reads of the reporting side: who may see which report, which period is current."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from tasks.models import Responsibility
from units.access import scope_for
from units.models import Membership

STAFF, REVIEWER, LEADER, ADMIN = (Membership.Role.STAFF, Membership.Role.REVIEWER, Membership.Role.LEADER,
                                  Membership.Role.ADMIN)
# A version saved or submitted in these states was filed by whoever saved it (a review saves
# it as approved or returned).
FILING_STATES = ("draft", "submitted")


def _leads(unit_ids, measure_ref: str = "measure"):
    """A subquery: the measure is led by one of these units."""
    return Exists(
        Responsibility.objects.filter(
            measure=OuterRef(measure_ref), unit_id__in=unit_ids, role=Responsibility.Role.LEAD
        )
    )



class IndicatorQuerySet(models.QuerySet):
    def by_name(self) -> dict[str, int]:
        """Each indicator's id under its name and under its aliases (a name wins over an alias)."""
        from .models import IndicatorAlias

        names = dict(self.values_list("name", "pk"))
        for alias, pk in IndicatorAlias.objects.filter(indicator__in=self).values_list("name", "indicator_id"):
            names.setdefault(alias, pk)
        return names

class PeriodQuerySet(models.QuerySet):
    def containing(self, day):
        return self.filter(start__lte=day, end__gte=day)

    def started(self, today):
        return self.filter(start__lte=today)


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports a user may read.

        The unit's own staff and reviewers; the lead unit's staff and reviewers (they answer
        for the whole measure); admins and leaders of the city. Nobody else, even in the city.
        """
        scope = scope_for(user)
        if not user.is_authenticated:
            return self.none()
        readers = scope.roles & {ADMIN, LEADER}
        if scope.superuser or (scope.all_cities and readers):
            return self
        cities = frozenset().union(*(scope.cities_by_role.get(role, frozenset()) for role in (ADMIN, LEADER)))
        own = scope.unit_ids(STAFF, REVIEWER)
        return self.filter(
            Q(measure__task__plan__city_id__in=cities) | Q(unit_id__in=own) | _leads(own)
        )

    def reviewable_by(self, user):
        """Submitted reports of measures led by a unit the user reviews for; for a city's
        admins, also those of its reports no such reviewer may approve (see without_free_reviewer)."""
        scope = scope_for(user)
        mine = Q(_leads(scope.unit_ids(REVIEWER)))
        if scope.superuser or (scope.all_cities and ADMIN in scope.roles):
            mine |= Q(pk__in=self.model.objects.without_free_reviewer().values("pk"))
        elif scope.cities_by_role.get(ADMIN):
            admin_of = self.model.objects.filter(measure__task__plan__city_id__in=scope.cities_by_role[ADMIN])
            mine |= Q(pk__in=admin_of.without_free_reviewer().values("pk"))
        filed = self.model.history.model.objects.filter(id=OuterRef("pk"), history_user_id=user.pk,
                                                        state__in=FILING_STATES)
        return (self.filter(state=self.model.State.SUBMITTED).filter(mine)
                .exclude(created_by_id=user.pk).exclude(updated_by_id=user.pk).exclude(Exists(filed)))

    def without_free_reviewer(self):
        """Reports every reviewer of whose lead units saved or submitted them (four eyes: an
        approver is never a filer of the version): they go to the plan's admins instead."""
        filed = self.model.history.model.objects.filter(
            id=OuterRef(OuterRef("pk")), history_user_id=OuterRef("user_id"), state__in=FILING_STATES
        )
        free = (
            Membership.objects.filter(
                role=REVIEWER, user__is_active=True, unit__responsibilities__measure=OuterRef("measure"),
                unit__responsibilities__role=Responsibility.Role.LEAD,
            )
            .exclude(user_id=OuterRef("created_by"))
            .exclude(user_id=OuterRef("updated_by"))
            .exclude(Exists(filed))
        )
        return self.filter(~Exists(free))

    def latest_versions(self):
        """Only the newest version of each (measure, unit, period)."""
        newer = self.model.objects.filter(
            measure=OuterRef("measure"), unit=OuterRef("unit"), period=OuterRef("period"), version__gt=OuterRef("version")
        )
        return self.filter(~Exists(newer))


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)
