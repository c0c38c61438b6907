"""The form of the plan-text page: a .txt/.docx file or pasted text, the city and the period."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from units.models import Region

from .drafting import PlanFileError, guess_years, read_plan_bytes
from .drafting.documents import MAX_DOCX_BYTES, normalise_text

YEARS_RE = re.compile(r"\s*(\d{4})\s*(?:[-—–~至]\s*(\d{4}))?\s*")


class PlanTextForm(forms.Form):
    file = forms.FileField(
        label=_("方案文件"), required=False, help_text=_("Word（.docx）或文本（.txt，UTF-8 或 GBK）；也可直接粘贴正文")
    )
    text = forms.CharField(label=_("或粘贴方案正文"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    city = forms.ModelChoiceField(label=_("城市"), queryset=Region.objects.none())
    years = forms.CharField(
        label=_("方案年度"), max_length=20, required=False, help_text=_("如 2024，或 2023-2027；留空则从正文识别")
    )
    title = forms.CharField(label=_("方案标题"), max_length=200, required=False, help_text=_("留空则从正文识别"))

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = Region.objects.filter(pk__in=[c.pk for c in cities])
        if len(cities) == 1:
            self.fields["city"].initial = cities[0].pk
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_DOCX_BYTES:
            raise forms.ValidationError(
                _("文件“%(name)s”有 %(size).1f MB，超过上限 %(limit).1f MB")
                % {"name": upload.name, "size": upload.size / 1024 / 1024, "limit": MAX_DOCX_BYTES / 1024 / 1024}
            )
        return upload

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("file"), (data.get("text") or "").strip()
        if upload and pasted:
            raise forms.ValidationError(_("请上传文件或粘贴正文，二者选一"))
        # The page drafts in the request what it can in a few seconds (DRAFTING_MAX_CHARACTERS,
        # docs/benchmarks.md) and sends a longer text to a job; this is the job's limit.
        limit = settings.DRAFTING_JOB_MAX_CHARACTERS
        if upload:
            try:
                data["plan_text"] = read_plan_bytes(upload.read(), filename=upload.name)
            except PlanFileError as exc:
                self.add_error("file", str(exc))
                return data
            if len(data["plan_text"]) > limit:
                self.add_error("file", _("文件正文超过 %(n)s 字，请按章节拆分后分别生成") % {"n": limit})
                return data
        elif pasted:
            if len(pasted) > limit:
                self.add_error("text", _("粘贴的正文超过 %(n)s 字，请按章节拆分后分别生成") % {"n": limit})
                return data
            data["plan_text"] = normalise_text(pasted)
        else:
            raise forms.ValidationError(_("请上传方案文件或粘贴方案正文"))
        if data.get("years"):
            match = YEARS_RE.fullmatch(data["years"])
            if not match:
                self.add_error("years", _("年度写作 2024 或 2023-2027"))
                return data
            start, end = int(match.group(1)), int(match.group(2) or match.group(1))
        else:
            guessed = guess_years(data["plan_text"])
            if guessed is None:
                self.add_error("years", _("无法从正文识别年度，请填写"))
                return data
            start, end = guessed
        if end < start:
            self.add_error("years", _("结束年早于起始年"))
            return data
        data["year_range"] = (start, end)
        return data
