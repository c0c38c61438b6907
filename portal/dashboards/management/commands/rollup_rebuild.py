from django.core.management.base import BaseCommand

from portal.dashboards.services import rollups_rebuild


class Command(BaseCommand):
    help = "重新计算全部进度汇总表（驾驶舱读取的数据）"

    def handle(self, *args, **options):
        run = rollups_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"已重新计算 {run.plans} 个工作方案、{run.measures} 项措施，用时 {run.seconds:.2f} 秒"
        ))
