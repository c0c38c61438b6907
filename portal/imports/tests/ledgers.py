"""A ledger as a bureau sends it, 100 measure rows long, with something of every kind for the
admin to do: unknown units the portal can suggest, a section whose tasks suggest no 专项
(未分类), qualitative targets, and a few rows in error."""

from portal.imports.ledger.samples import ledger_xlsx

HEADER = ["序号", "重点任务", "具体措施", "责任单位", "量化指标", "时间节点"]
SECTIONS = [
    ("一、稳就业", ["促进高校毕业生就业", "扩大职业技能培训", "推进粤菜师傅工程", "加强失业保险稳岗", "建设零工市场"]),
    ("二、社会保障", ["扩大社保覆盖面", "推进全民参保", "提高养老保险待遇", "推进工伤保险", "加强社保基金监管"]),
    ("三、人才人事", ["引进高层次人才", "完善职称评审", "加强博士后工作", "推进技工院校建设", "开展人才招聘"]),
    ("四、其他工作", ["完成交办事项甲", "完成交办事项乙", "完成交办事项丙", "完成交办事项丁", "完成交办事项戊"]),
]
UNITS = ["市人社局", "台山市人民政府", "市人社局", "开平市人民政府", "市人社局"]


def hundred_row_ledger() -> bytes:
    rows, number = [], 0
    for section, tasks in SECTIONS:
        rows.append([section, None, None, None, None, None])
        for title in tasks:
            number += 1
            for index in range(5):
                target = "完成省下达任务" if index == 3 else f"举办活动{number * 10 + index}场以上"
                if number % 7 == 0 and index == 2:
                    target = "约100人"  # an approximate figure: refused, naming its cell
                rows.append([str(number) if index == 0 else None, title if index == 0 else None,
                             f"{title}第{index + 1}项措施。", UNITS[index], target, "2025年12月"])
    return ledger_xlsx(rows, header=HEADER)
