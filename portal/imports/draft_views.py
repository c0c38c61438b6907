"""From a plan's text to the import preview (or to an Excel draft): the admins' page for
portal.imports.drafting. The draft goes through the same import job as an uploaded ledger. A
text longer than the request can draft in time (DRAFTING_MAX_CHARACTERS) goes to a Celery job
(draft_jobs.py) and the admin follows it on its page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header

from tasks.ratelimit import rate_limited

from .draft_forms import PlanTextForm
from .draft_jobs import draft_job_create, draft_outcome, draft_text
from .models import DraftJob
from .views import admin_cities, require_city_admin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


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
        action = request.POST.get("action") or DraftJob.Action.PREVIEW
        if len(data["plan_text"]) > settings.DRAFTING_MAX_CHARACTERS:
            job = draft_job_create(user=request.user, city=city, year_start=year_start, year_end=year_end,
                                   title=data.get("title", ""), text=data["plan_text"], action=action)
            return redirect("drafting:job", pk=job.pk)
        drafted = draft_text(text=data["plan_text"], city=city, year_start=year_start, year_end=year_end,
                             title=data.get("title", ""))
        outcome = draft_outcome(drafted=drafted, user=request.user, city=city, year_start=year_start,
                                year_end=year_end, action=action)
        if drafted.kind == "summary":
            if action == DraftJob.Action.DOWNLOAD:
                return _xlsx(outcome.content, outcome.file_name)
            return render(request, "imports/draft.html", {"form": form, "drafted": drafted})
        if outcome.error:
            form.add_error(None, outcome.error)
        else:
            for notice in drafted.notices:
                messages.info(request, notice)
            if outcome.import_job is None:
                return _xlsx(outcome.content, outcome.file_name)
            return redirect("imports:job", pk=outcome.import_job.pk)
    return render(request, "imports/draft.html", {"form": form})


def get_draft_job_for_user(user, pk: int) -> DraftJob:
    """A draft job of a city the user administers: 404 when he cannot see the city, 403 when
    he is no admin of it."""
    job = get_object_or_404(DraftJob.objects.defer("text", "result").select_related("city", "import_job"), pk=pk)
    require_city_admin(user, job.city_id)
    return job


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_draft_job_for_user(request.user, pk)
    if job.status == DraftJob.Status.DONE and job.import_job_id:
        for notice in job.notices:
            messages.info(request, notice)
        return redirect("imports:job", pk=job.import_job_id)
    return render(request, "imports/draft_job.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The state, polled by htmx; once the job is through, the whole page reloads."""
    job = get_draft_job_for_user(request.user, pk)
    response = render(request, "imports/_draft_progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_draft_job_for_user(request.user, pk)
    if job.status != DraftJob.Status.DONE or not job.result_name:
        raise Http404
    return _xlsx(bytes(DraftJob.objects.values_list("result", flat=True).get(pk=job.pk)), job.result_name)
