from django.db import models
from django.db.models import Count, Q

from units.access import scope_for
from units.collectives import covering


class ProgrammeQuerySet(models.QuerySet):
    UNCLASSIFIED = {"code": "unclassified", "name": "未分类", "order": 990}

    def unclassified(self):
        """未分类: where an imported task goes when its words suggest no 专项, until an admin
        assigns one. Listed in fixtures/programmes.csv; made here for a database without it."""
        fields = self.UNCLASSIFIED
        programme, _created = self.get_or_create(code=fields["code"], defaults=fields)
        return programme


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        if scope.all_cities:
            return self
        return self.filter(city_id__in=scope.city_ids)

    def with_counts(self):
        return self.annotate(
            task_count=Count("tasks", distinct=True),
            measure_count=Count("tasks__measures", distinct=True),
            target_count=Count("tasks__measures__targets", distinct=True),
        )


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        if scope.all_cities:
            return self
        return self.filter(plan__city_id__in=scope.city_ids)


class MeasureQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        if scope.all_cities:
            return self
        return self.filter(task__plan__city_id__in=scope.city_ids)

    def of_units(self, unit_ids, role: str | None = None):
        """Measures these units answer for, in their own name or through a collective (各镇街)."""
        unit_ids = set(unit_ids)
        condition = Q(responsibilities__unit_id__in=unit_ids | set(covering(unit_ids)))
        if role:
            condition &= Q(responsibilities__role=role)
        return self.filter(condition).distinct()
