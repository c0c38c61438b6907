import re

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from tasks.models import Plan, Programme
from units.matching import guess_unit_kind, unit_name_key
from units.models import Region, Unit

from .ledger.importing import UnitChoice
from .ledger.read import FIELD_LABELS, LedgerLimits
from .ledger.results import LEAVE_OUT

YEARS_RE = re.compile(r"\s*(\d{4})\s*(?:[-—–~至]\s*(\d{4}))?\s*")


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-control")


class UploadForm(forms.Form):
    """A ledger file and where it goes: an existing plan, or a new one (city, title, years)."""

    file = forms.FileField(label=_("台账文件"), help_text=_("Excel（.xlsx、.xls）或 CSV；可直接上传各局的原始台账"))
    plan = forms.ModelChoiceField(
        label=_("导入到工作方案"), queryset=Plan.objects.none(), required=False, empty_label=_("（新建工作方案）")
    )
    city = forms.ModelChoiceField(label=_("城市"), queryset=Region.objects.none(), required=False)
    title = forms.CharField(label=_("新方案标题"), max_length=200, required=False)
    years = forms.CharField(label=_("新方案年度"), max_length=20, required=False, help_text=_("如 2025，或 2023-2027"))

    def __init__(self, *args, cities, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_plan = plan
        self.fields["city"].queryset = Region.objects.filter(pk__in=[c.pk for c in cities])
        self.fields["plan"].queryset = Plan.objects.filter(city__in=cities).select_related("city").order_by(
            "city_id", "-year_start", "title"
        )
        self.fields["plan"].label_from_instance = lambda p: f"{p.city.short_name} · {p.title}"
        if len(cities) == 1:
            self.fields["city"].initial = cities[0].pk
        if plan is not None:
            for name in ("plan", "city", "title", "years"):
                del self.fields[name]
        _bootstrap(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = LedgerLimits.from_settings().max_bytes
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件有 %(size).1f MB，超过上限 %(limit).1f MB：请拆分后分别导入")
                % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
            )
        return upload

    def clean(self):
        data = super().clean()
        if self.fixed_plan is not None:
            data["plan"] = self.fixed_plan
            return data
        if data.get("plan"):
            return data
        city, title = data.get("city"), (data.get("title") or "").strip()
        if not city:
            self.add_error("city", _("新建工作方案需要选择城市"))
        if not title:
            self.add_error("title", _("新建工作方案需要填写标题"))
        if city and title:
            existing = Plan.objects.filter(city=city, title=title).first()
            if existing:  # the same title in the city is that plan: it keeps its years
                data["plan"] = existing
                return data
        match = YEARS_RE.fullmatch(data.get("years") or "")
        if not match:
            self.add_error("years", _("新建工作方案需要年度，写作 2025 或 2023-2027"))
        else:
            start, end = int(match.group(1)), int(match.group(2) or match.group(1))
            if end < start:
                self.add_error("years", _("结束年早于起始年"))
            data["year_range"] = (start, end)
        data["title"] = title
        return data


class SheetForm(forms.Form):
    sheet = forms.ChoiceField(label=_("工作表"), widget=forms.RadioSelect)

    def __init__(self, *args, sheets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]


FIELD_CHOICES = [("", _("（请选择）"))] + [(name, label) for name, label in FIELD_LABELS.items()] + [
    ("-", _("忽略此列"))
]


class HeaderMappingForm(forms.Form):
    """One select per header the reader did not recognise."""

    def __init__(self, *args, headers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, (letter, text) in enumerate(headers):
            self.fields[f"h{index}"] = forms.ChoiceField(
                label=_("%(letter)s列“%(text)s”") % {"letter": letter, "text": text}, choices=FIELD_CHOICES,
                required=False,
            )
        _bootstrap(self)

    def mapping(self) -> dict[str, str]:
        chosen = {}
        for index, (_letter, text) in enumerate(self.headers):
            value = self.cleaned_data.get(f"h{index}")
            if value:
                chosen[text] = "" if value == "-" else value
        return chosen


class UnitMappingForm(forms.Form):
    """One select per unknown unit name: the closest existing units first (the best one chosen
    when the names differ only in how they are written), any unit of the city, or a new unit."""

    def __init__(self, *args, names: dict[str, list[str]], city: Region, suggestions: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = list(names)
        suggestions = suggestions or {}
        units = Unit.objects.filter(region__in=Region.objects.filter(pk=city.pk) | Region.objects.filter(parent=city))
        existing = [(f"u{pk}", name) for pk, name in units.order_by("kind", "name").values_list("pk", "name")]
        create = [(f"new:{kind}", _("新建单位：%(kind)s") % {"kind": label}) for kind, label in Unit.Kind.choices
                  if kind != Unit.Kind.COLLECTIVE]
        for index, name in enumerate(self.names):
            suggested = [(f"u{pk}", label) for pk, label in suggestions.get(name, [])]
            choices = [("", _("（请选择）"))]
            if suggested:
                choices.append((_("建议（最接近的已有单位）"), suggested))
            choices += [(_("对应到已有单位（记为别名）"), existing), (_("新建单位"), create)]
            field = forms.ChoiceField(label=name, choices=choices, required=False)
            field.places = names[name]
            field.suggested = [label for _value, label in suggested]
            if suggested and unit_name_key(name, city_name=city.name) == unit_name_key(
                suggestions[name][0][1].split("（")[0], city_name=city.name
            ):
                field.initial = suggested[0][0]
            self.fields[f"u{index}"] = field
        _bootstrap(self)

    def choices(self, *, create_rest: bool = False) -> dict[str, UnitChoice]:
        """The admin's choices; with create_rest, every name left unchosen becomes a new unit
        of the city, of the kind its name suggests."""
        chosen = {}
        for index, name in enumerate(self.names):
            value = self.cleaned_data.get(f"u{index}") or ""
            if value.startswith("new:"):
                chosen[name] = UnitChoice(create_kind=value.removeprefix("new:"))
            elif value.startswith("u"):
                chosen[name] = UnitChoice(unit_id=int(value[1:]))
            elif create_rest:
                chosen[name] = UnitChoice(create_kind=guess_unit_kind(name))
        return chosen


class ProgrammeChoiceForm(forms.Form):
    """专项 per task, or for a whole section at once (a section's choice wins over its tasks'):
    each select starts at the file's 专项 or the suggested one."""

    def __init__(self, *args, tasks: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        names = list(Programme.objects.order_by("order", "id").values_list("name", flat=True))
        programme_choices = [(name, name) for name in names]
        self.sections: dict[str, tuple[int | None, str]] = {}
        for task in tasks:
            key = f"s{task['section_seq'] or 0}"
            if key not in self.sections:
                self.sections[key] = (task["section_seq"], task["section"] or _("（不在章节中）"))
                self.fields[key] = forms.ChoiceField(
                    label=self.sections[key][1], required=False,
                    choices=[("", _("（按各任务）"))] + programme_choices,
                )
            field = forms.ChoiceField(label=f"{task['number']}. {task['title']}", choices=programme_choices,
                                      initial=task["programme"], required=False)
            field.suggested = task["suggested"]
            self.fields[f"t{task['number']}"] = field
        _bootstrap(self)

    @property
    def groups(self) -> list[tuple]:
        """(section select, [task selects]) in file order, for the template."""
        groups: dict[str, list] = {}
        for task in self.tasks:
            groups.setdefault(f"s{task['section_seq'] or 0}", []).append(self[f"t{task['number']}"])
        return [(self[key], fields) for key, fields in groups.items()]

    def attention_groups(self, sections) -> list[tuple]:
        """(section, its select, [未分类 tasks' selects], [suggested tasks' selects]) for the
        sections the preview's first tab shows (portal.imports.attention.SectionProgrammes)."""
        return [
            (section, self[section.key], [self[f"t{t['number']}"] for t in section.unclassified],
             [self[f"t{t['number']}"] for t in section.suggested])
            for section in sections
        ]

    def edits(self, *, sheet: str) -> dict[str, dict[str, str]]:
        """The 专项 cell of every row of each task whose choice differs from the file's, or
        confirms a suggestion (it becomes the admin's, so a later preview keeps it)."""
        edits: dict[str, dict[str, str]] = {}
        for task in self.tasks:
            chosen = self.cleaned_data.get(f"s{task['section_seq'] or 0}") or self.cleaned_data.get(f"t{task['number']}")
            if chosen and (chosen != task["programme"] or task["suggested"]):
                for row in task["rows"]:
                    edits[f"{sheet}!{row}"] = {"programme": chosen}
        return edits


class ConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(label=_("跳过有错误的行，只导入正确的行"), required=False)


class ResultMappingForm(forms.Form):
    """The indicator each row of a results sheet counts for, typed or picked from the list of
    indicators (a datalist: one list for every row); left empty, the row is not imported."""

    def __init__(self, *args, lines: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for index, line in enumerate(lines):
            field = forms.CharField(
                label=_("第%(row)s行的指标") % {"row": line.row}, required=False, max_length=100,
                initial=line.indicator_name,
            )
            field.widget.attrs.update({"list": "indicator-names", "class": "form-control form-control-sm",
                                       "placeholder": _("（不导入）")})
            self.fields[f"r{index}"] = field

    @property
    def rows(self) -> list:
        """(line, its indicator box), for the template's table."""
        return [(line, self[f"r{index}"]) for index, line in enumerate(self.lines)]

    def clean(self):
        data = super().clean()
        known = Indicator.objects.by_name()
        self.chosen = {}
        for index, line in enumerate(self.lines):
            name = (data.get(f"r{index}") or "").strip()
            if name and name not in known:
                self.add_error(f"r{index}", _("第%(row)s行：指标“%(name)s”不存在，请从列表中选择") % {"row": line.row, "name": name})
            else:
                self.chosen[line.key] = known.get(name, LEAVE_OUT)
        return data

    def choices(self) -> dict[str, int]:
        """Only what the admin changed: a row left as it was keeps following its file."""
        return {
            line.key: self.chosen[line.key]
            for line in self.lines
            if self.chosen[line.key] != (line.indicator_id or LEAVE_OUT)
        }


class RowEditForm(forms.Form):
    """A correction of one ledger row in the preview: its measure, and its task (title and
    专项), which apply to every row of the task."""

    task = forms.CharField(label=_("任务"), max_length=500, required=False)
    programme = forms.ChoiceField(label=_("专项"), required=False)
    measure = forms.CharField(label=_("工作措施"), widget=forms.Textarea(attrs={"rows": 4}))
    lead = forms.CharField(label=_("牵头单位"), max_length=500, required=False)
    support = forms.CharField(label=_("配合单位"), max_length=1000, required=False)
    targets = forms.CharField(
        label=_("目标指标"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("一行一个目标，如：城镇新增就业24万人以上"),
    )
    deadline = forms.CharField(label=_("完成时限"), max_length=100, required=False)

    TASK_FIELDS = ("task", "programme")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = list(Programme.objects.order_by("order", "id").values_list("name", flat=True))
        current = self.initial.get("programme", "")
        if current and current not in names:
            names.append(current)  # as the file names it, though unknown: the preview says so
        self.fields["programme"].choices = [("", _("（请选择）"))] + [(name, name) for name in names]
        _bootstrap(self)

    def edits(self, *, sheet: str, row: int, task_rows: list[int]) -> dict[str, dict[str, str]]:
        """What changed, keyed sheet!row: the measure's fields on its row, the task's on each of its rows."""
        changed = {name for name in self.fields if (self.cleaned_data.get(name) or "") != (self.initial.get(name) or "")}
        edits: dict[str, dict[str, str]] = {}
        measure_changes = {name: self.cleaned_data[name] or "" for name in changed if name not in self.TASK_FIELDS}
        if measure_changes:
            edits[f"{sheet}!{row}"] = measure_changes
        task_changes = {name: self.cleaned_data[name] or "" for name in changed if name in self.TASK_FIELDS}
        if task_changes:
            for number in task_rows:
                edits.setdefault(f"{sheet}!{number}", {}).update(task_changes)
        return edits
