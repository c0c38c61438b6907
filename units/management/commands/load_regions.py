"""Load the province, its 21 cities with their districts and counties (GB/T 2260 codes) and
each city's 人社局 into an existing database; safe to run again (load_demo runs the same)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from units.models import Region
from units.services import regions_load_csv, units_load_csv

REFERENCE_UNITS = ("guangdong.csv", "guangdong-cities.csv")


class Command(BaseCommand):
    help = "载入广东省及21个地级市的行政区划（含区、县、县级市及行政区划代码）和各市人社局（可重复执行）"

    def handle(self, *args, **options):
        root = Path(settings.FIXTURES_ROOT)
        with transaction.atomic():
            created = regions_load_csv(path=root / "regions.csv")
            totals = units_load_csv(paths=[root / "units" / name for name in REFERENCE_UNITS])
        cities = Region.objects.cities().count()
        self.stdout.write(self.style.SUCCESS(
            f"行政区划：{cities} 个地级市，共 {Region.objects.count()} 个地区（新增 {created} 个）；"
            f"单位新增 {totals['new']} 个、更新 {totals['update']} 个"
        ))
