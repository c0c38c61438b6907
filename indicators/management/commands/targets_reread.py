"""Read every stored target again from its phrase; list the differences, or correct them."""

from django.core.management.base import BaseCommand, CommandError

from indicators.services.targets import targets_reread, targets_reread_apply
from tasks.models import Plan


class Command(BaseCommand):
    help = "按现行目标解析规则重读已存目标，列出读法不同之处；加 --apply 在一个事务中更正（保留历史）并重算进度"

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="只重读此工作方案（slug）")
        parser.add_argument("--apply", action="store_true", help="更正读法不同的目标")

    def handle(self, *args, plan=None, apply=False, **options):
        chosen = None
        if plan:
            chosen = Plan.objects.filter(slug=plan).first()
            if chosen is None:
                raise CommandError(f"没有 slug 为“{plan}”的工作方案")
        rereads = targets_reread(plan=chosen)
        for reread in rereads:
            self.stdout.write(reread.describe())
        corrections = sum(1 for reread in rereads if not reread.problem)
        problems = len(rereads) - corrections
        if apply:
            changed = targets_reread_apply(rereads)
            self.stdout.write(self.style.SUCCESS(f"已更正 {changed} 个目标；{problems} 处需在台账中核对"))
        else:
            self.stdout.write(f"读法不同的目标 {corrections} 个，需核对 {problems} 处；加 --apply 更正")
