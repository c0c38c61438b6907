from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from indicators.models import Evidence


class Command(BaseCommand):
    help = "核对每个佐证材料记录的文件都在存储中且大小一致（恢复备份后运行；有缺失时以非零状态退出）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="最多列出多少个问题（默认50）")

    def handle(self, *args, limit=50, **options):
        problems, count = [], 0
        for pk, path, size in Evidence.objects.order_by("pk").values_list("pk", "file", "size").iterator(chunk_size=2000):
            count += 1
            if not default_storage.exists(path):
                problems.append(f"佐证材料 {pk}：文件 {path} 不存在")
            elif default_storage.size(path) != size:
                problems.append(f"佐证材料 {pk}：文件 {path} 大小为 {default_storage.size(path)} 字节，记录为 {size} 字节")
        for problem in problems[:limit]:
            self.stdout.write(problem)
        if len(problems) > limit:
            self.stdout.write(f"……另有 {len(problems) - limit} 处")
        if problems:
            raise CommandError(f"{count} 个佐证材料中有 {len(problems)} 个文件缺失或不完整")
        self.stdout.write(self.style.SUCCESS(f"{count} 个佐证材料的文件都在"))
