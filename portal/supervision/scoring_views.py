"""考核评分 pages: the city's schemes, a scheme's rules and outside scores (admins), the
ranking as of a month (everyone who sees the city), a unit's drill-down and the Excel export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from portal.dashboards.rollups import month_end
from tasks.models import Plan
from units.access import scope_for
from units.models import Unit

from . import access
from .forms import RuleForm, SchemeForm
from .models import OutsideScore, Rule, Scheme, ScoreSummary
from .services.scoring import default_as_of, scheme_compute, scheme_units


def _month(request, scheme: Scheme) -> date:
    text = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(x) for x in text.split("-")[:2])
        return month_end(date(year, month, 1))
    except ValueError:
        pass
    stored = ScoreSummary.objects.filter(scheme=scheme).order_by("-as_of").values_list("as_of", flat=True).first()
    return stored or min(default_as_of(), date(scheme.year, 12, 31))


@login_required
def schemes(request: HttpRequest, pk: int) -> HttpResponse:
    city = access.get_city_for_user(request.user, pk)
    is_admin = scope_for(request.user).is_admin_of(city.pk)
    form = SchemeForm(request.POST or None, plans=Plan.objects.filter(city=city))
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            scheme = form.save(commit=False)
            scheme.city, scheme.created_by = city, request.user
            scheme.save()
            return redirect("supervision:scheme", scheme.pk)
    return render(request, "supervision/schemes.html", {
        "city": city, "schemes": Scheme.objects.filter(city=city).select_related("plan"), "form": form, "is_admin": is_admin})


@login_required
def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk, action="edit")
    form = SchemeForm(request.POST or None, instance=scheme, plans=Plan.objects.filter(city=scheme.city))
    rule_form = RuleForm(prefix="rule")
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "scheme" and form.is_valid():
            form.save()
            return redirect("supervision:scheme", scheme.pk)
        if what == "rule":
            rule_form = RuleForm(request.POST, prefix="rule")
            if rule_form.is_valid():
                rule = rule_form.save(commit=False)
                rule.scheme = scheme
                rule.save()
                return redirect("supervision:scheme", scheme.pk)
        if what == "delete_rule":
            Rule.objects.filter(scheme=scheme, pk=request.POST.get("rule") or 0).delete()
            return redirect("supervision:scheme", scheme.pk)
        if what == "outside":
            units = scheme_units(scheme)
            for unit_id in units:
                raw = request.POST.get(f"outside-{unit_id}", "").strip()
                if not raw:
                    OutsideScore.objects.filter(scheme=scheme, unit_id=unit_id).delete()
                    continue
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    messages.error(request, _("评议得分须是数字：%(v)s") % {"v": raw})
                    continue
                OutsideScore.objects.update_or_create(scheme=scheme, unit_id=unit_id, defaults={"score": value})
            return redirect("supervision:scheme", scheme.pk)
    units = sorted(scheme_units(scheme).values(), key=lambda u: u.name)
    outside = dict(OutsideScore.objects.filter(scheme=scheme).values_list("unit_id", "score"))
    return render(request, "supervision/scheme.html", {
        "scheme": scheme, "form": form, "rule_form": rule_form, "rules": scheme.rules.all(),
        "outside_rows": [(u, outside.get(u.pk)) for u in units],
    })


@login_required
@require_POST
def scheme_compute_view(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk, action="edit")
    as_of = _month(request, scheme)
    scheme_compute(scheme=scheme, as_of=as_of)
    messages.success(request, _("已按截至 %(m)s 的数据重新计算得分。") % {"m": as_of.strftime("%Y-%m")})
    return redirect(f"{reverse('supervision:ranking', args=[scheme.pk])}?month={as_of:%Y-%m}")


def _rows(scheme: Scheme, as_of: date):
    return ScoreSummary.objects.filter(scheme=scheme, as_of=as_of).select_related("unit").order_by("rank", "unit__name")


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    as_of = _month(request, scheme)
    months = ScoreSummary.objects.filter(scheme=scheme).order_by("-as_of").values_list("as_of", flat=True).distinct()
    return render(request, "supervision/ranking.html", {
        "scheme": scheme, "as_of": as_of, "rows": _rows(scheme, as_of), "months": list(months),
        "is_admin": scope_for(request.user).is_admin_of(scheme.city_id),
        "mine": scope_for(request.user).unit_ids(), "supervises": access.supervises(request.user, scheme.city_id),
    })


@login_required
def ranking_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    as_of = _month(request, scheme)
    book = Workbook()
    sheet = book.active
    sheet.title = _("考核排名")
    sheet.append([scheme.name, _("截至 %(m)s") % {"m": as_of.strftime("%Y-%m")}])
    sheet.append([_("名次"), _("单位"), _("规则得分"), _("评议得分"), _("总分"), _("等次")])
    for row in _rows(scheme, as_of):
        sheet.append([row.rank, row.unit.name, float(row.rules_score),
                      None if row.outside_score is None else float(row.outside_score), float(row.score), row.grade])
    items = book.create_sheet(_("得失分明细"))
    items.append([_("单位"), _("项目"), _("分值")])
    for row in _rows(scheme, as_of).prefetch_related("items"):
        for item in row.items.all():
            items.append([row.unit.name, item.label, float(item.points)])
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="scores-{scheme.pk}-{as_of:%Y-%m}.xlsx"'
    return response


@login_required
def unit_score(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(request.user, pk)
    unit = get_object_or_404(Unit, pk=unit_id)
    if not access.sees_unit_score(request.user, unit, scheme.city_id):
        raise Http404
    as_of = _month(request, scheme)
    summary = ScoreSummary.objects.filter(scheme=scheme, as_of=as_of, unit=unit).first()
    if summary is None:
        raise Http404
    items = summary.items.select_related("rule").order_by("id")
    return render(request, "supervision/unit_score.html", {"scheme": scheme, "summary": summary, "items": items,
                                                           "as_of": as_of, "unit": unit})
