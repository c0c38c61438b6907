"""督办 pages: the city's notices, a notice and its steps, issuing (one or in bulk), 销号 and
延期 requests, webhooks and their delivery log. Every view fetches through `access`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.access import reviews
from units.access import scope_for
from units.models import Region, Unit

from . import access
from .forms import AnswerForm, ClosureForm, DecisionForm, ExtensionForm, NoticeForm, ReturnForm, WebhookForm
from .models import Delivery, Notice, Webhook
from .services import SupervisionError
from .services.alerts import measures_red_twice
from .services.closing import closure_apply, closure_check, closure_decide, targets_met
from .services.extensions import extension_apply, extension_decide
from .services.notices import (notice_acknowledge, notice_answer, notice_close, notice_reissue, notice_return,
                               notices_issue)


def _refused(request, exc: SupervisionError) -> None:
    messages.error(request, str(exc))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    cities = Region.objects.filter(kind=Region.Kind.CITY)
    cities = cities if scope.all_cities else cities.filter(pk__in=scope.city_ids)
    cities = list(cities)
    if len(cities) == 1:
        return redirect("supervision:city", cities[0].pk)
    return render(request, "supervision/index.html", {"cities": cities})


@login_required
def city(request: HttpRequest, pk: int) -> HttpResponse:
    """open / acknowledged / answered / closed, overdue ones first."""
    city = access.get_city_for_user(request.user, pk)
    today = timezone.localdate()
    notices = access.notices_visible_to(request.user).filter(city=city).select_related("measure__task", "unit")
    state = request.GET.get("state", "")
    if state in Notice.State.values:
        notices = notices.filter(state=state)
    notices = notices.annotate(overdue=Case(
        When(Q(state__in=["open", "acknowledged"]) & Q(answer_by__lt=today), then=Value(0)),
        default=Value(1), output_field=IntegerField(),
    )).order_by("overdue", "answer_by", "id")
    counts = {s: access.notices_visible_to(request.user).filter(city=city, state=s).count() for s in Notice.State.values}
    return render(request, "supervision/city.html", {
        "city": city, "notices": notices[:500], "state": state, "states": Notice.State.choices, "counts": counts,
        "today": today, "supervises": access.supervises(request.user, city.pk),
        "is_admin": scope_for(request.user).is_admin_of(city.pk),
    })


@login_required
@require_POST
def bulk_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """A 督办单 for every measure red for the last two periods, to its lead units (skipping
    those with a notice still pending)."""
    city = access.get_city_for_user(request.user, pk)
    if not access.supervises(request.user, city.pk):
        raise PermissionDenied
    from datetime import timedelta  # noqa: PLC0415

    from tasks.models import Measure  # noqa: PLC0415

    red = measures_red_twice(city.pk)
    pending = set(Notice.objects.filter(measure_id__in=list(red), state__in=["open", "acknowledged"])
                  .values_list("measure_id", flat=True))
    issued = 0
    for measure in Measure.objects.filter(pk__in=[m for m in red if m not in pending]).select_related(
            "task__plan").prefetch_related("responsibilities__unit"):
        units = [r.unit for r in measure.responsibilities.all() if r.role == "lead"]
        issued += len(notices_issue(measure=measure, units=units, level=Notice.Level.SUPERVISE,
                                    request=_("该措施连续两期滞后，请说明原因、提出整改措施并按期答复。"),
                                    answer_by=timezone.localdate() + timedelta(days=7), user=request.user))
    messages.success(request, _("已向连续两期滞后的 %(m)s 项措施发出 %(n)s 张督办单。") % {"m": len(red) - len(pending), "n": issued})
    return redirect("supervision:city", city.pk)


@login_required
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.get_measure_for_user(request.user, pk)
    if not access.supervises(request.user, measure.task.plan.city_id):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        units = list(Unit.objects.filter(pk__in=[int(u) for u in form.cleaned_data["units"]]))
        try:
            notices = notices_issue(measure=measure, units=units, level=form.cleaned_data["level"],
                                    request=form.cleaned_data["request"], answer_by=form.cleaned_data["answer_by"],
                                    user=request.user)
        except SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已发出 %(n)s 张督办单。") % {"n": len(notices)})
            return redirect("supervision:notice", notices[0].pk)
    return render(request, "supervision/form.html", {"form": form, "measure": measure, "title": _("发出督办单")})


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk)
    answers = access.files_for(request.user, notice.unit_id)
    units = Unit.objects.filter(Q(region_id=notice.city_id) | Q(region__parent_id=notice.city_id)).exclude(pk=notice.unit_id)
    return render(request, "supervision/notice.html", {
        "notice": notice, "answers": answers, "supervises": access.supervises(request.user, notice.city_id),
        "return_form": ReturnForm(units=units), "answer_form": AnswerForm(), "units": units,
        "history": notice.history.select_related("history_user").order_by("history_date"),
        "attachments": notice.attachments.all(), "overdue": notice.is_overdue(),
    })


def _notice_step(request, pk: int, action: str, step) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, action=action)
    try:
        step(notice)
    except SupervisionError as exc:
        _refused(request, exc)
    return redirect("supervision:notice", notice.pk)


@login_required
@require_POST
def notice_acknowledge_view(request, pk):
    return _notice_step(request, pk, "answer", lambda n: notice_acknowledge(notice=n, user=request.user))


@login_required
@require_POST
def notice_return_view(request, pk):
    def step(n):
        unit_id = request.POST.get("suggested_unit") or None
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id and unit_id.isdigit() else None
        notice_return(notice=n, user=request.user, reason=request.POST.get("reason", ""), suggested_unit=unit)
    return _notice_step(request, pk, "answer", step)


@login_required
@require_POST
def notice_answer_view(request, pk):
    return _notice_step(request, pk, "answer", lambda n: notice_answer(
        notice=n, user=request.user, answer=request.POST.get("answer", ""), files=request.FILES.getlist("files")))


@login_required
@require_POST
def notice_close_view(request, pk):
    return _notice_step(request, pk, "supervise", lambda n: notice_close(notice=n, user=request.user))


@login_required
@require_POST
def notice_reissue_view(request, pk):
    notice = access.get_notice_for_user(request.user, pk, action="supervise")
    unit = Unit.objects.filter(pk=request.POST.get("unit") or notice.suggested_unit_id or 0).first()
    if unit is None:
        messages.error(request, _("请选择转办单位。"))
        return redirect("supervision:notice", notice.pk)
    try:
        new = notice_reissue(notice=notice, user=request.user, unit=unit)
    except SupervisionError as exc:
        _refused(request, exc)
        return redirect("supervision:notice", notice.pk)
    return redirect("supervision:notice", new.pk)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = access.get_attachment_for_user(request.user, pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
def closure_new(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.get_measure_for_user(request.user, pk)
    units = access.lead_units_of_user(request.user, measure)
    if not units:
        raise PermissionDenied
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = closure_apply(measure=measure, unit=units[0], user=request.user, files=request.FILES.getlist("files"),
                                    **form.cleaned_data)
        except SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("supervision:closure", closure.pk)
    return render(request, "supervision/form.html", {"form": form, "measure": measure, "files": True,
                                                      "title": _("办结申请（销号）"), "met": targets_met(measure)})


@login_required
def closure(request: HttpRequest, pk: int) -> HttpResponse:
    closure = access.get_closure_for_user(request.user, pk)
    city_id = closure.measure.task.plan.city_id
    return render(request, "supervision/closure.html", {
        "closure": closure, "form": DecisionForm(), "checks": reviews(request.user, closure.measure),
        "decides": access.leads_city(request.user, city_id), "attachments": closure.attachments.all(),
        "history": closure.history.select_related("history_user").order_by("history_date"),
    })


def _decision(request, pk, action, step, name):
    obj = (access.get_closure_for_user if name == "closure" else access.get_extension_for_user)(
        request.user, pk, action=action)
    try:
        step(obj, request.POST.get("approve") == "1", request.POST.get("comment", ""))
    except SupervisionError as exc:
        _refused(request, exc)
    return redirect(f"supervision:{name}", obj.pk)


@login_required
@require_POST
def closure_check_view(request, pk):
    return _decision(request, pk, "check", lambda c, ok, text: closure_check(
        closure=c, user=request.user, approve=ok, comment=text), "closure")


@login_required
@require_POST
def closure_decide_view(request, pk):
    return _decision(request, pk, "decide", lambda c, ok, text: closure_decide(
        closure=c, user=request.user, approve=ok, comment=text), "closure")


@login_required
def extension_new(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.get_measure_for_user(request.user, pk)
    units = access.lead_units_of_user(request.user, measure)
    if not units:
        raise PermissionDenied
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension = extension_apply(measure=measure, unit=units[0], user=request.user, **form.cleaned_data)
        except SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("supervision:extension", extension.pk)
    return render(request, "supervision/form.html", {"form": form, "measure": measure, "title": _("延期申请")})


@login_required
def extension(request: HttpRequest, pk: int) -> HttpResponse:
    extension = access.get_extension_for_user(request.user, pk)
    return render(request, "supervision/extension.html", {
        "extension": extension, "form": DecisionForm(),
        "decides": access.leads_city(request.user, extension.measure.task.plan.city_id),
        "history": extension.history.select_related("history_user").order_by("history_date"),
    })


@login_required
@require_POST
def extension_decide_view(request, pk):
    return _decision(request, pk, "decide", lambda e, ok, text: extension_decide(
        extension=e, user=request.user, approve=ok, comment=text), "extension")


def _city_admin(request, pk) -> Region:
    city = access.get_city_for_user(request.user, pk)
    if not scope_for(request.user).is_admin_of(city.pk):
        raise PermissionDenied
    return city


@login_required
def webhooks(request: HttpRequest, pk: int) -> HttpResponse:
    city = _city_admin(request, pk)
    units = Unit.objects.filter(Q(region_id=city.pk) | Q(region__parent_id=city.pk))
    form = WebhookForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        hook = form.save(commit=False)
        hook.city = city
        hook.save()
        messages.success(request, _("已添加推送地址。"))
        return redirect("supervision:webhooks", city.pk)
    return render(request, "supervision/webhooks.html", {
        "city": city, "form": form, "webhooks": Webhook.objects.filter(city=city).select_related("unit"),
        "deliveries": Delivery.objects.filter(webhook__city=city).select_related("alert", "webhook")[:100],
    })
