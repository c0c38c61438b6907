from django.core.management.base import BaseCommand, CommandError

from portal.dashboards.services import rollups_check


class Command(BaseCommand):
    help = "将进度汇总表与重新计算的结果逐项比对，列出不一致之处（有不一致时以非零状态退出）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="最多列出多少处不一致（默认50）")

    def handle(self, *args, limit=50, **options):
        drifts = rollups_check()
        if not drifts:
            self.stdout.write(self.style.SUCCESS("汇总表与重新计算的结果一致"))
            return
        for drift in drifts[:limit]:
            self.stdout.write(str(drift))
        if len(drifts) > limit:
            self.stdout.write(f"……另有 {len(drifts) - limit} 处")
        raise CommandError(f"汇总表有 {len(drifts)} 处与重新计算的结果不一致；运行 manage.py rollup_rebuild 可修复")
