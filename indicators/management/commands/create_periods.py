"""Create the reporting periods of one plan or of every plan (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from indicators.services import periods_create_for_plan
from tasks.models import Plan


class Command(BaseCommand):
    help = "创建工作方案的填报周期（按月，方案规定按季度的按季度；可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("plan", nargs="*", help="工作方案代码（slug）；不填则为全部方案")
        parser.add_argument("--due-day", type=int, default=None, help="报送截止日：次月几号（默认 5）")

    def handle(self, *args, plan=(), due_day=None, **options):
        plans = Plan.objects.all()
        if plan:
            plans = plans.filter(slug__in=plan)
            unknown = set(plan) - set(plans.values_list("slug", flat=True))
            if unknown:
                raise CommandError("没有这些工作方案：" + "、".join(sorted(unknown)))
        if due_day is not None and not 1 <= due_day <= 28:
            raise CommandError("--due-day 须在 1 到 28 之间")
        for p in plans.order_by("id"):
            created = periods_create_for_plan(plan=p, due_day=due_day)
            self.stdout.write(f"{p.title}：新建 {created} 个周期")
