from django.db import models


class RegionQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(kind="city")

    def get_by_name(self, name: str):
        """A region by its name with or without 市, or by its code (江门, 江门市, jiangmen, 广东省)."""
        name = name.strip()
        return self.get(models.Q(name=name) | models.Q(name=f"{name}市") | models.Q(code=name.lower()))

    def get_city(self, name: str):
        """A city by its name with or without 市, or by its code (江门, 江门市, jiangmen)."""
        name = name.strip()
        return self.cities().get(
            models.Q(name=name) | models.Q(name=f"{name}市") | models.Q(code=name.lower())
        )


    def get_plan_region(self, name: str):
        """Where a plan may belong: a city (江门, 江门市, jiangmen) or the province (广东省, 广东)."""
        name = name.strip()
        return self.filter(kind__in=("city", "province")).get(
            models.Q(name=name) | models.Q(name=f"{name}市") | models.Q(name=f"{name}省") | models.Q(code=name.lower())
        )


class UnitQuerySet(models.QuerySet):
    def in_region(self, region):
        return self.filter(region=region)
