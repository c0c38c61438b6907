"""Load the seed plans, their reported results and the demo accounts. Running it twice changes nothing."""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.services import indicators_load_csv, periods_create_for_plan, results_load_csv
from indicators.services.targets import targets_reread, targets_reread_apply
from portal.demo import DEMO_PASSWORD
from portal.imports.ledger.importing import ledger_import_file
from portal.imports.ledger.read import LedgerFileError
from tasks.models import Plan
from tasks.services import programmes_load_csv
from units.models import Membership, Region, Unit
from units.services import regions_load_csv, units_load_csv

BUREAU = "市人力资源和社会保障局"
CITIES = [("jm", "jiangmen"), ("zs", "zhongshan"), ("gz", "guangzhou")]
FREQUENCY = {"月": Plan.Frequency.MONTHLY, "季": Plan.Frequency.QUARTERLY}


class Command(BaseCommand):
    help = "载入种子工作方案、已公布的实际完成数和演示账号（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="不创建演示账号")
        parser.add_argument("--no-sample-progress", action="store_true", help="不生成示例进度数据（驾驶舱演示用）")

    def handle(self, *args, no_accounts=False, **options):
        root = Path(settings.FIXTURES_ROOT)
        with transaction.atomic():
            regions_load_csv(path=root / "regions.csv")
            programmes_load_csv(path=root / "programmes.csv")
            units_load_csv(paths=sorted((root / "units").glob("*.csv")))
            indicators_load_csv(paths=sorted((root / "indicators").glob("*.csv")))
            for plan in csv.DictReader((root / "ledgers" / "plans.csv").open(encoding="utf-8")):
                self.load_plan(root, plan)
            for path in sorted((root / "results").glob("*.csv")):
                results_load_csv(path=path)
            # Targets stored by an earlier version of the parser are read again (a no-op on a
            # new database): the dashboards then judge them by what their phrases say.
            targets_reread_apply(targets_reread())
            if not no_accounts:
                accounts = self.demo_accounts()
        counts = {
            "plans": Plan.objects.count(),
            "measures": sum(p.measure_count for p in Plan.objects.with_counts()),
            "targets": sum(p.target_count for p in Plan.objects.with_counts()),
        }
        self.stdout.write(self.style.SUCCESS(f"已载入 {counts['plans']} 个工作方案、{counts['measures']} 项措施、{counts['targets']} 个目标"))
        self.load_sample_progress(sample=not no_accounts and not options.get("no_sample_progress"))
        if not no_accounts:
            self.stdout.write("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
            for username, label in accounts:
                self.stdout.write(f"  {username:<14} {label}")

    def load_sample_progress(self, *, sample: bool) -> None:
        """Sample progress (marked 示例数据; written by the demo accounts), then the rollups."""
        from portal.dashboards.sample import sample_progress_load
        from portal.dashboards.services import rollups_rebuild

        if sample:
            made = sample_progress_load()
            if made.reports:
                self.stdout.write(f"已生成示例进度数据：{made.reports} 份报告、{made.values} 个实际值（均标记为示例数据）")
        rollups_rebuild()

    def load_plan(self, root: Path, plan: dict) -> None:
        path = root / "ledgers" / f"{plan['slug']}.xlsx"
        city = Region.objects.get_city(plan["城市"])
        try:
            result = ledger_import_file(
                path=path,
                city=city,
                title=plan["标题"],
                year_start=int(plan["起始年"]),
                year_end=int(plan["结束年"]),
                slug=plan["slug"],
                frequency=FREQUENCY[plan["报告周期"]],
                source_document=plan["来源文件"],
            )
        except LedgerFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if not result.draft.ok:
            raise CommandError(f"{path.name}:\n" + "\n".join(str(p) for p in result.draft.problems))
        periods_create_for_plan(plan=Plan.objects.get(slug=plan["slug"]))

    def demo_accounts(self) -> list[tuple[str, str]]:
        User = get_user_model()
        accounts = []

        def account(username: str, unit: Unit, role: str, label: str, superuser: bool = False) -> None:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": superuser, "is_superuser": superuser}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
            accounts.append((username, label))

        province = Region.objects.get(code="guangdong")
        account("admin", Unit.objects.get(region=province, name="省人力资源和社会保障厅"), Membership.Role.ADMIN,
                "管理员（全省，可进入后台）", superuser=True)
        for prefix, code in CITIES:
            city = Region.objects.get(code=code)
            bureau = Unit.objects.get(region=city, name=BUREAU)
            account(f"{prefix}_staff", bureau, Membership.Role.STAFF, f"{city.short_name} · {BUREAU} 填报员")
            account(f"{prefix}_reviewer", bureau, Membership.Role.REVIEWER, f"{city.short_name} · {BUREAU} 审核员（牵头单位）")
            account(f"{prefix}_leader", bureau, Membership.Role.LEADER, f"{city.short_name} · {BUREAU} 领导")
        return accounts
