"""The admins' ledger import pages: upload, preview (with sheet, header and unit mapping),
confirm, progress; and the ledger export of a plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from indicators.models import Indicator
from tasks.models import Plan
from tasks.ratelimit import rate_limited
from units.access import scope_for
from units.models import Region

from . import services
from .attention import preview_attention, rows_matching
from .forms import (
    ConfirmForm,
    HeaderMappingForm,
    ProgrammeChoiceForm,
    ResultMappingForm,
    RowEditForm,
    SheetForm,
    UnitMappingForm,
    UploadForm,
)
from .ledger.export import ledger_export
from .ledger.importing import LedgerImportError, UnitChoice
from .ledger.preview import STATUS_LABELS, LedgerPreview
from .models import ImportJob
from .tables import ImportJobTable, PreviewRowTable


def admin_cities(user) -> list[Region]:
    scope = scope_for(user)
    cities = Region.objects.cities().order_by("id")
    return [city for city in cities if scope.sees_city(city.pk) and scope.is_admin_of(city.pk)]


def get_plan_for_admin(user, pk: int) -> Plan:
    """A plan the user may import into: 404 when he cannot see it, 403 when he is no admin of its city."""
    plan = get_object_or_404(Plan.objects.visible_to(user).select_related("city"), pk=pk)
    if not scope_for(user).is_admin_of(plan.city_id):
        raise PermissionDenied
    return plan


def get_job_for_user(user, pk: int) -> ImportJob:
    job = get_object_or_404(
        ImportJob.objects.defer("content").select_related("city", "plan", "created_by", "confirmed_by"), pk=pk
    )
    require_city_admin(user, job.city_id)
    return job


def require_city_admin(user, city_id: int) -> None:
    """404 for a city the user cannot see, 403 when he is no admin of it."""
    scope = scope_for(user)
    if not scope.sees_city(city_id):
        raise Http404
    if not scope.is_admin_of(city_id):
        raise PermissionDenied


@login_required
@rate_limited("upload")
def index(request: HttpRequest) -> HttpResponse:
    cities = admin_cities(request.user)
    if not cities:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        return _create_job(request, form)
    jobs = ImportJobTable(ImportJob.objects.defer("content", "preview").filter(city__in=cities).select_related("city"))
    RequestConfig(request, paginate={"per_page": 20}).configure(jobs)
    plans = Plan.objects.filter(city__in=cities).select_related("city").with_counts().order_by("city_id", "-year_start")
    return render(request, "imports/index.html", {"form": form, "jobs": jobs, "plans": plans})


@login_required
@rate_limited("upload")
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_admin(request.user, pk)
    form = UploadForm(request.POST or None, request.FILES or None, cities=[plan.city], plan=plan)
    if request.method == "POST" and form.is_valid():
        return _create_job(request, form)
    return render(request, "imports/plan_import.html", {"form": form, "plan": plan})


def _create_job(request: HttpRequest, form: UploadForm) -> HttpResponse:
    data, upload = form.cleaned_data, form.cleaned_data["file"]
    plan = data.get("plan")
    try:
        job = services.import_job_create(
            user=request.user,
            city=plan.city if plan else data["city"],
            plan=plan,
            title=data.get("title", ""),
            years=data.get("year_range"),
            file_name=upload.name,
            content=upload.read(),
        )
    except services.UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:index")
    return redirect("imports:job", pk=job.pk)


TABS = ("attention", "all")
ALL_ROWS_PER_PAGE = 25
VIEW_PARAMS = ("tab", "status", "problem", "page")  # what a correction keeps of the page it came from


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for part of a page (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _view_query(request: HttpRequest) -> str:
    return urlencode({name: request.GET[name] for name in VIEW_PARAMS if request.GET.get(name)})


def _view_suffix(request: HttpRequest) -> str:
    """"?tab=all&page=2": where a correction returns to, appended to the URLs the page posts to."""
    query = _view_query(request)
    return f"?{query}" if query else ""


def _job_context(request: HttpRequest, job: ImportJob) -> dict:
    context = {"job": job, "statuses": STATUS_LABELS, "view_suffix": _view_suffix(request)}
    if job.status == ImportJob.Status.NEEDS_SHEET:
        context["sheet_form"] = SheetForm(sheets=job.sheets)
    if job.status != ImportJob.Status.PREVIEWED or not job.preview:
        return context
    preview = LedgerPreview.from_dict(job.preview)
    attention = preview_attention(preview)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "attention"
    shown, problem = request.GET.get("status", ""), request.GET.get("problem", "")
    context.update(
        preview=preview,
        attention=attention,
        counts=preview.counts,
        tab=tab,
        shown=shown,
        problem=problem,
        sheet_form=SheetForm(sheets=job.sheets, initial={"sheet": job.sheet}) if len(job.sheets) > 1 else None,
        header_form=HeaderMappingForm(headers=preview.unknown_headers) if preview.unknown_headers else None,
        programme_form=ProgrammeChoiceForm(tasks=preview.tasks) if attention.sections else None,
        unit_form=UnitMappingForm(names=preview.unknown_units, city=job.city, suggestions=preview.unit_suggestions)
        if preview.unknown_units else None,
        units_to_create=sorted(name for name, choice in job.unit_choices.items() if choice.get("create_kind")),
        confirm_form=ConfirmForm(),
    )
    if context["programme_form"]:
        context["programme_sections"] = context["programme_form"].attention_groups(attention.sections)
    if tab == "all":
        table = PreviewRowTable(rows_matching(preview, status=shown, problem=problem), job=job,
                                query=_view_query(request))
        RequestConfig(request, paginate={"per_page": ALL_ROWS_PER_PAGE}).configure(table)
        context["table"] = table
    if preview.results:
        context.update(
            result_form=ResultMappingForm(lines=preview.results),
            indicator_names=Indicator.objects.order_by("name").values_list("name", flat=True),
        )
    return context


def _job_page(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """The job's page; for htmx only its body (#job-body), which every correction swaps in place."""
    context = _job_context(request, job)
    if is_htmx(request):
        return render(request, "imports/_job_body.html", {**context, "partial": True})
    return render(request, "imports/job.html", context)


def _after_change(request: HttpRequest, job: ImportJob, anchor: str = "") -> HttpResponse:
    """A correction's answer. For htmx the body again: previewed anew already when the jobs run
    in process, else the progress bar, which swaps the preview in when the worker is through."""
    page = reverse("imports:job", args=[job.pk]) + _view_suffix(request)
    if is_htmx(request):
        response = _job_page(request, get_job_for_user(request.user, job.pk))
        response["HX-Push-Url"] = page
        return response
    return redirect(page + anchor)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_page(request, get_job_for_user(request.user, pk))


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the job is through, its body takes the bar's place
    (a page polled without htmx is told to reload)."""
    job = get_job_for_user(request.user, pk)
    if not job.is_running and is_htmx(request):
        response = _job_page(request, job)
        response["HX-Retarget"], response["HX-Reswap"] = "#job-body", "outerHTML"
        return response
    response = render(request, "imports/_progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


def _job_preview(job: ImportJob) -> LedgerPreview:
    empty = {"sheet": "", "rows": [], "problems": [], "sheet_problems": [], "warnings": []}
    return LedgerPreview.from_dict(job.preview or empty)


def _editable_job(request: HttpRequest, pk: int) -> ImportJob:
    job = get_job_for_user(request.user, pk)
    if job.status not in (ImportJob.Status.PREVIEWED, ImportJob.Status.NEEDS_SHEET):
        raise PermissionDenied
    return job


@login_required
@require_POST
def job_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    job = _editable_job(request, pk)
    form = SheetForm(request.POST, sheets=job.sheets)
    if form.is_valid():
        services.import_job_choose_sheet(job, sheet=form.cleaned_data["sheet"])
    return _after_change(request, job)


@login_required
@require_POST
def job_headers(request: HttpRequest, pk: int) -> HttpResponse:
    job = _editable_job(request, pk)
    preview = _job_preview(job)
    form = HeaderMappingForm(request.POST, headers=preview.unknown_headers)
    if form.is_valid() and form.mapping():
        services.import_job_map_headers(job, mapping=form.mapping())
    return _after_change(request, job)


@login_required
@require_POST
def job_units(request: HttpRequest, pk: int) -> HttpResponse:
    job = _editable_job(request, pk)
    preview = _job_preview(job)
    form = UnitMappingForm(request.POST, names=preview.unknown_units, city=job.city)
    choices = form.choices(create_rest="create_rest" in request.POST) if form.is_valid() else {}
    if choices:
        services.import_job_choose_units(job, choices=choices)
    else:
        messages.warning(request, _("请为每个不认识的单位选择对应的已有单位，或选择新建"))
    return _after_change(request, job)


@login_required
@require_POST
def job_units_suggested(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk: every unknown unit that has a suggestion is mapped to its closest existing unit."""
    job = _editable_job(request, pk)
    preview = _job_preview(job)
    choices = {
        name: UnitChoice(unit_id=int(suggested[0][0]))
        for name in preview.unknown_units if (suggested := preview.unit_suggestions.get(name))
    }
    if choices:
        services.import_job_choose_units(job, choices=choices)
        messages.success(request, _("已将 %(n)s 个单位对应到建议的已有单位，正在重新预览。") % {"n": len(choices)})
    return _after_change(request, job)


@login_required
@require_POST
def job_programmes(request: HttpRequest, pk: int) -> HttpResponse:
    """专项 chosen per task or per section: laid over the file's 专项 cells, then previewed again."""
    job = _editable_job(request, pk)
    preview = _job_preview(job)
    form = ProgrammeChoiceForm(request.POST, tasks=preview.tasks)
    if form.is_valid() and (edits := form.edits(sheet=preview.sheet)):
        services.import_job_edit_rows(job, edits=edits)
        messages.success(request, _("已按所选专项重新预览；原文件不变。"))
    return _after_change(request, job)


@login_required
@require_POST
def job_results(request: HttpRequest, pk: int) -> HttpResponse:
    job = _editable_job(request, pk)
    preview = _job_preview(job)
    form = ResultMappingForm(request.POST, lines=preview.results)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    elif form.choices():
        services.import_job_choose_results(job, choices=form.choices())
    return _after_change(request, job)


@login_required
def job_row_edit(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    """Correct one measure row of the preview (and its task's title and 专项), then preview
    again. With htmx the form opens in the page and saving swaps the preview's body in place."""
    job = _editable_job(request, pk)
    preview = _job_preview(job)
    record = next((r for r in preview.rows if r.row == row and r.kind == "measure"), None)
    if record is None:
        raise Http404
    form = RowEditForm(request.POST or None, initial=record.cells)
    if request.method == "POST" and form.is_valid():
        task_number = record.code.split(".")[0]
        task_rows = [r.row for r in preview.rows if r.kind == "measure" and r.code.split(".")[0] == task_number]
        edits = form.edits(sheet=preview.sheet, row=row, task_rows=task_rows)
        if edits:
            services.import_job_edit_rows(job, edits=edits)
            messages.success(request, _("第%(row)s行已修改，正在重新预览；原文件不变。") % {"row": row})
        return _after_change(request, job, anchor=f"#row-{row}")
    context = {"job": job, "record": record, "form": form, "view_suffix": _view_suffix(request)}
    if is_htmx(request):
        response = render(request, "imports/_row_edit_form.html", context)
        response["HX-Retarget"], response["HX-Reswap"] = "#row-editor", "innerHTML show:#row-editor:top"
        response["HX-Push-Url"] = "false"
        return response
    return render(request, "imports/row_edit.html", context)


@login_required
@require_POST
def job_undo_edits(request: HttpRequest, pk: int) -> HttpResponse:
    job = _editable_job(request, pk)
    if job.cell_edits:
        services.import_job_undo_edits(job)
        messages.info(request, _("已撤销预览中的全部修改，按原文件重新预览。"))
    return _after_change(request, job)


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    if job.status in (ImportJob.Status.IMPORTING, ImportJob.Status.DONE):
        return _already_confirmed(request, job)
    if job.status != ImportJob.Status.PREVIEWED:
        raise PermissionDenied
    preview = LedgerPreview.from_dict(job.preview)
    form = ConfirmForm(request.POST)
    skip = form.is_valid() and form.cleaned_data["skip_bad_rows"]
    if not preview.ok and not skip:
        messages.error(request, _("文件有错误：请改正后重新上传，或勾选“跳过有错误的行”只导入正确的行"))
        return redirect("imports:job", pk=job.pk)
    if preview.good_rows == 0:
        messages.error(request, _("没有可以导入的行"))
        return redirect("imports:job", pk=job.pk)
    try:
        if not services.import_job_confirm(job, skip_bad_rows=skip, user=request.user):
            return _already_confirmed(request, job)
    except LedgerImportError as exc:
        messages.error(request, str(exc))
    return redirect("imports:job", pk=job.pk)


def _already_confirmed(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """A second confirm (another click, another tab) of a job already on its way."""
    job.refresh_from_db(fields=["status"])
    if job.status == ImportJob.Status.DONE:
        messages.info(request, _("该文件已经导入"))
    else:
        messages.info(request, _("该文件正在导入，请等待完成"))
    return redirect("imports:job", pk=job.pk)


@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's ledger as .xlsx, for anyone who may see the plan."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("city"), pk=pk)
    response = HttpResponse(
        ledger_export(plan, viewer=request.user), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}工作台账.xlsx")
    return response
