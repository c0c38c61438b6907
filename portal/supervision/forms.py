from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Notice, Rule, Scheme, Webhook

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class NoticeForm(forms.Form):
    units = forms.MultipleChoiceField(label=_("发给"), widget=forms.CheckboxSelectMultiple)
    level = forms.ChoiceField(label=_("督办级别"), choices=Notice.Level.choices, initial=Notice.Level.SUPERVISE)
    request = forms.CharField(label=_("督办事项"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_by = forms.DateField(label=_("答复期限"), widget=DATE)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(str(r.unit_id), f"{r.unit.name}（{r.get_role_display()}）")
                                        for r in measure.responsibilities.all()]
        self.fields["units"].initial = [str(r.unit_id) for r in measure.responsibilities.all() if r.role == "lead"]
        self.fields["answer_by"].initial = timezone.localdate() + timedelta(days=7)
        self.fields["request"].initial = _("该措施进度滞后，请说明原因、提出整改措施并按期答复。")


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}))
    suggested_unit = forms.TypedChoiceField(label=_("建议承办单位"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))


class ClosureForm(forms.Form):
    statement = forms.CharField(label=_("完成情况说明"), widget=forms.Textarea(attrs={"rows": 4}))
    unmet_reason = forms.CharField(label=_("目标未达标的理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(label=_("申请延至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("地址"), max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ["name", "unit", "format", "url", "secret", "active"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["name", "plan", "year", "base", "floor_at_zero", "outside_share", "grades"]

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans

    def clean_outside_share(self):
        share = self.cleaned_data["outside_share"]
        if not 0 <= share <= 1:
            raise forms.ValidationError(_("占比须在 0 与 1 之间。"))
        return share

    def clean_grades(self):
        from .scoring import parse_grades  # noqa: PLC0415

        try:
            parse_grades(self.cleaned_data["grades"])
        except (ValueError, ArithmeticError, IndexError):
            raise forms.ValidationError(_("等次格式应为 名称:最低分[:名额百分比]，逗号分隔。")) from None
        return self.cleaned_data["grades"]


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["kind", "points", "cap", "thresholds"]

    def clean(self):
        from .scoring import parse_thresholds  # noqa: PLC0415

        data = super().clean()
        if data.get("kind") == Rule.Kind.ON_TIME_RATE:
            try:
                if not parse_thresholds(data.get("thresholds") or ""):
                    raise ValueError
            except (ValueError, ArithmeticError):
                self.add_error("thresholds", _("请按 95:10,85:8,0:5 的格式填写分档。"))
        return data
