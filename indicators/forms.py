from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport, Target, TargetKind
from .services import ReportInput, ValueInput
from .values import TypedNumberField


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


class ReportForm(forms.Form):
    """One unit's report for one measure and period; one number (or a numerator and a
    denominator, for a rate) per target the unit reports on, typed as people write it
    (1.5万, 12%) and read in the target's unit.

    Implausible values come back with their reasons (`show_doubts`) and are saved once the
    filer ticks `confirm_doubts`: what he confirms is the reasons he was shown
    (`doubts_shown`), so a value changed after that is judged afresh."""

    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_doubts = forms.BooleanField(label=_("数值无误，确认提交"), required=False,
                                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    doubts_shown = forms.CharField(required=False, widget=forms.HiddenInput)
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
        # The doubts beside the values: those confirmed before, or those now to confirm.
        self.doubts: dict[int, str] = {}
        self.doubts_pending = False
        if report is not None and "initial" not in kwargs:
            initial = {
                "revision": report.revision, "narrative": report.narrative, "problems": report.problems,
                "next_steps": report.next_steps, "self_status": report.self_status,
            }
            for value in report.values.all():
                initial[f"value_{value.target_id}"] = value.value
                initial[f"num_{value.target_id}"] = value.numerator
                initial[f"den_{value.target_id}"] = value.denominator
                if value.doubt:
                    self.doubts[value.target_id] = value.doubt
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for target in targets:
            if target.kind == TargetKind.RATE:
                self.fields[f"num_{target.pk}"] = TypedNumberField(label=_("分子"), required=False)
                self.fields[f"den_{target.pk}"] = TypedNumberField(label=_("分母"), required=False)
            else:
                label = _("当前水平") if target.kind in {TargetKind.STOCK, TargetKind.CEILING} else _("本期数值")
                self.fields[f"value_{target.pk}"] = TypedNumberField(label=label, unit=target.unit, required=False)

    def show_doubts(self, doubts: dict[int, str]) -> None:
        """Ask for confirmation of these doubts: the reasons beside their values, the box unticked."""
        self.doubts = doubts
        self.doubts_pending = True
        self.data = self.data.copy()
        self.data["doubts_shown"] = "\n".join(doubts.values())
        self.data.pop("confirm_doubts", None)

    def target_rows(self):
        """(target, its bound fields, the doubt about its value) for the template."""
        for target in self.targets:
            if target.kind == TargetKind.RATE:
                fields = [self[f"num_{target.pk}"], self[f"den_{target.pk}"]]
            else:
                fields = [self[f"value_{target.pk}"]]
            yield target, fields, self.doubts.get(target.pk, "")

    def _confirmed_doubts(self) -> frozenset[str]:
        if not self.cleaned_data.get("confirm_doubts"):
            return frozenset()
        return frozenset(line for line in self.cleaned_data.get("doubts_shown", "").splitlines() if line)

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
            self_status=data["self_status"], values=values, confirmed_doubts=self._confirmed_doubts(),
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


class PlanReportingFromForm(forms.Form):
    """The first month a plan taken in while under way reports (type=month gives YYYY-MM)."""

    reporting_from = forms.DateField(
        label=_("开始填报月份"), required=False, input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
