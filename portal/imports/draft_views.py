"""From a plan's text to the import preview (or to an Excel draft): the admins' page for
portal.imports.drafting. The draft goes through the same import job as an uploaded ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from indicators.models import Indicator
from tasks.models import Plan
from tasks.ratelimit import rate_limited

from . import services
from .draft_forms import PlanTextForm
from .drafting import draft_from_text, draft_to_xlsx
from .views import admin_cities

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@rate_limited("upload")
def draft(request: HttpRequest) -> HttpResponse:
    cities = admin_cities(request.user)
    if not cities:
        raise PermissionDenied
    form = PlanTextForm(request.POST or None, request.FILES or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        city, (year_start, year_end) = data["city"], data["year_range"]
        drafted = draft_from_text(
            data["plan_text"],
            city=city.name,
            year_start=year_start,
            year_end=year_end,
            title=data.get("title", "").strip(),
            indicator_names=tuple(Indicator.objects.values_list("name", flat=True)),
        )
        if drafted.kind == "summary":
            # A 总结 sets no target: its figures are offered as results, in the workbook's
            # 已完成结果 sheet, and shown here; there is no ledger to preview.
            if request.POST.get("action") == "download":
                response = HttpResponse(draft_to_xlsx(drafted), content_type=XLSX)
                response["Content-Disposition"] = content_disposition_header(True, f"{drafted.title}（已完成结果）.xlsx")
                return response
            return render(request, "imports/draft.html", {"form": form, "drafted": drafted})
        if not drafted.measures:
            form.add_error(None, _("正文中没有识别出任务或措施：方案应有（一）、一、或 1. / 一是 等编号，或以句号分句"))
        else:
            for notice in drafted.notices:
                messages.info(request, notice)
            content = draft_to_xlsx(drafted)
            file_name = f"{drafted.title}（草稿）.xlsx"
            if request.POST.get("action") == "download":
                response = HttpResponse(content, content_type=XLSX)
                response["Content-Disposition"] = content_disposition_header(True, file_name)
                return response
            # The same title in the city is that plan (as on the upload page): a re-draft updates it.
            plan = Plan.objects.filter(city=city, title=drafted.title).first()
            try:
                job = services.import_job_create(
                    user=request.user,
                    city=city,
                    plan=plan,
                    title=drafted.title,
                    years=None if plan else (year_start, year_end),
                    file_name=file_name,
                    content=content,
                )
            except services.UploadRefused as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("imports:job", pk=job.pk)
    return render(request, "imports/draft.html", {"form": form})
