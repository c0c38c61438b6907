from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import reads
from .models import Status, StatusThresholds


class MeasureFilterForm(forms.Form):
    as_of = forms.CharField(label=_("月份"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态"))] + Status.choices, required=False)
    city = forms.IntegerField(required=False, min_value=1)
    plan = forms.IntegerField(required=False, min_value=1)
    task = forms.IntegerField(required=False, min_value=1)
    programme = forms.IntegerField(required=False, min_value=1)
    unit = forms.IntegerField(required=False, min_value=1)

    def clean_as_of(self):
        text = self.cleaned_data["as_of"].strip()
        if not text:  # the month that is now
            return reads.parse_month(f"{timezone.localdate():%Y-%m}")
        try:
            return reads.parse_month(text)
        except reads.BadMonth:
            raise forms.ValidationError(_("月份“%(text)s”无效，应为“年-月”，例如 2026-10。"), params={"text": text[:20]}) from None


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = StatusThresholds
        fields = ["green_ratio", "amber_ratio"]
        help_texts = {
            "green_ratio": _("完成率 ≥ 时序进度 × 绿灯系数 为绿灯（正常），通常为 1.00"),
            "amber_ratio": _("完成率 ≥ 时序进度 × 黄灯系数 为黄灯（预警），低于此为红灯（滞后），通常为 0.80"),
        }

    def clean(self):
        data = super().clean()
        green, amber = data.get("green_ratio"), data.get("amber_ratio")
        if green is not None and not (Decimal(0) < green <= Decimal(2)):
            self.add_error("green_ratio", _("绿灯系数须大于 0 且不超过 2。"))
        if amber is not None and amber <= 0:
            self.add_error("amber_ratio", _("黄灯系数须大于 0。"))
        if green is not None and amber is not None and amber > green:
            self.add_error("amber_ratio", _("黄灯系数不能大于绿灯系数（%(green)s）。") % {"green": green})
        return data
