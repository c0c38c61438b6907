from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport, Target, TargetKind
from .services import ReportInput, ValueInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _number(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), max_digits=20, decimal_places=4,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any", "min": "0", "inputmode": "decimal"}),
        error_messages={"invalid": _("请输入数字。"), "min_value": _("数值不能为负数。"),
                        "max_digits": _("数字位数过多。"), "max_decimal_places": _("最多保留4位小数。")},
    )


class ReportForm(forms.Form):
    """One unit's report for one measure and period; one number (or a numerator and a
    denominator, for a rate) per target the unit reports on."""

    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    narrative = forms.CharField(
        label=_("进展情况"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    next_steps = forms.CharField(
        label=_("下一步计划"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    self_status = forms.ChoiceField(
        label=_("自评状态"), required=False,
        choices=[("", "—")] + list(ProgressReport.SelfStatus.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    evidence = MultipleFileField(label=_("佐证材料"), required=False)

    def __init__(self, *args, targets: list[Target], report: ProgressReport | None = None, **kwargs):
        self.targets = targets
        if report is not None and "initial" not in kwargs:
            initial = {
                "revision": report.revision, "narrative": report.narrative, "problems": report.problems,
                "next_steps": report.next_steps, "self_status": report.self_status,
            }
            for value in report.values.all():
                initial[f"value_{value.target_id}"] = value.value
                initial[f"num_{value.target_id}"] = value.numerator
                initial[f"den_{value.target_id}"] = value.denominator
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for target in targets:
            if target.kind == TargetKind.RATE:
                self.fields[f"num_{target.pk}"] = _number(_("分子"))
                self.fields[f"den_{target.pk}"] = _number(_("分母"))
            else:
                label = _("当前水平") if target.kind in {TargetKind.STOCK, TargetKind.CEILING} else _("本期数值")
                self.fields[f"value_{target.pk}"] = _number(label)

    def target_rows(self):
        """(target, its bound fields) for the template."""
        for target in self.targets:
            if target.kind == TargetKind.RATE:
                yield target, [self[f"num_{target.pk}"], self[f"den_{target.pk}"]]
            else:
                yield target, [self[f"value_{target.pk}"]]

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        values = {}
        for target in self.targets:
            values[target.pk] = ValueInput(
                target_id=target.pk,
                value=data.get(f"value_{target.pk}"),
                numerator=data.get(f"num_{target.pk}"),
                denominator=data.get(f"den_{target.pk}"),
            )
        return ReportInput(
            narrative=data["narrative"], problems=data["problems"], next_steps=data["next_steps"],
            self_status=data["self_status"], values=values,
        )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新开放原因"), max_length=80,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class PeriodDueDateForm(forms.Form):
    due_date = forms.DateField(label=_("报送截止"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
