"""The API's reads and the report writes. Reads are the pages' querysets (`visible_to`), so a
token sees what its user would; writes call the same services as the pages, under the same
access helpers, so history, locks, conflicts and rollups are the same."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from indicators import access
from indicators.models import Indicator, Period, ProgressReport, RecordedResult
from indicators.services import (
    ReportConflict,
    ReportingError,
    ReportInput,
    ValueInput,
    ValuesInDoubt,
    fillable_targets,
    report_approve,
    report_return,
    report_save_draft,
    report_submit,
)
from tasks.models import Measure, Plan, Responsibility, Task
from units.access import scope_for
from units.models import Membership

from . import filters, serializers
from .permissions import TokenMayWrite

STAFF, REVIEWER = Membership.Role.STAFF, Membership.Role.REVIEWER


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    """A list (filters, cursor pages) and a detail of what the user may see."""


@extend_schema_view(list=extend_schema(summary=gettext_lazy("工作方案列表")), retrieve=extend_schema(summary=gettext_lazy("工作方案")))
class PlanViewSet(ReadOnly):
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related("city")


@extend_schema_view(list=extend_schema(summary=gettext_lazy("任务列表")), retrieve=extend_schema(summary=gettext_lazy("任务")))
class TaskViewSet(ReadOnly):
    serializer_class = serializers.TaskSerializer
    filterset_class = filters.TaskFilter

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).select_related("section", "programme")


@extend_schema_view(list=extend_schema(summary=gettext_lazy("工作措施列表（含责任单位和目标）")), retrieve=extend_schema(summary=gettext_lazy("工作措施")))
class MeasureViewSet(ReadOnly):
    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilter

    def get_queryset(self):
        return Measure.objects.visible_to(self.request.user).select_related("task").prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("unit")), "targets"
        )


@extend_schema_view(list=extend_schema(summary=gettext_lazy("指标列表")), retrieve=extend_schema(summary=gettext_lazy("指标")))
class IndicatorViewSet(ReadOnly):
    """The catalogue shared by every city."""

    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    queryset = Indicator.objects.all()


@extend_schema_view(list=extend_schema(summary=gettext_lazy("填报周期列表")), retrieve=extend_schema(summary=gettext_lazy("填报周期")))
class PeriodViewSet(ReadOnly):
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter

    def get_queryset(self):
        return Period.objects.filter(plan__in=Plan.objects.visible_to(self.request.user))


@extend_schema_view(list=extend_schema(summary=gettext_lazy("已公布的实际完成")), retrieve=extend_schema(summary=gettext_lazy("已公布的实际完成")))
class RecordedResultViewSet(ReadOnly):
    serializer_class = serializers.RecordedResultSerializer
    filterset_class = filters.RecordedResultFilter

    def get_queryset(self):
        scope = scope_for(self.request.user)
        results = RecordedResult.objects.all()
        return results if scope.all_cities else results.filter(city_id__in=scope.city_ids)


def reports_for_api(user):
    """Reports the API shows a user: of those he may read on the pages, the approved ones,
    his own units' (staff or reviewer) and those waiting for his review."""
    scope = scope_for(user)
    own = scope.unit_ids(STAFF, REVIEWER)
    waiting = ProgressReport.objects.reviewable_by(user).values("pk")
    return ProgressReport.objects.visible_to(user).filter(
        Q(state=ProgressReport.State.APPROVED) | Q(unit_id__in=own) | Q(pk__in=waiting)
    )


def _refused(exc: ReportingError) -> Response:
    if isinstance(exc, ReportConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ValuesInDoubt):
        return Response({"detail": str(exc), "doubts": {str(k): str(v) for k, v in exc.doubts.items()}},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


REFUSALS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description=gettext_lazy("拒绝：报告状态、周期关闭、数值无效等")),
    403: OpenApiResponse(description=gettext_lazy("无权操作")),
    404: OpenApiResponse(description=gettext_lazy("不存在或不可见")),
    409: OpenApiResponse(serializers.ErrorSerializer, description=gettext_lazy("报告已被他人修改（修订号过期），未保存")),
}


@extend_schema_view(list=extend_schema(summary=gettext_lazy("进度报告（已通过的，或本单位的）")), retrieve=extend_schema(summary=gettext_lazy("进度报告")))
class ReportViewSet(mixins.CreateModelMixin, ReadOnly):
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter
    permission_classes = [*ReadOnly.permission_classes, TokenMayWrite]

    def get_queryset(self):
        return reports_for_api(self.request.user).prefetch_related("values").select_related(
            "created_by", "updated_by", "reviewed_by"
        )

    def _done(self, report: ProgressReport, code=status.HTTP_200_OK) -> Response:
        report = ProgressReport.objects.prefetch_related("values").select_related(
            "created_by", "updated_by", "reviewed_by").get(pk=report.pk)
        return Response(serializers.ReportSerializer(report).data, status=code)

    @extend_schema(summary=gettext_lazy("保存草稿（可同时提交）"), request=serializers.ReportSaveSerializer,
                   responses={200: serializers.ReportSerializer, 201: serializers.ReportSerializer,
                              422: OpenApiResponse(serializers.ErrorSerializer, description=gettext_lazy("数值存疑，须确认后再保存")),
                              **REFUSALS})
    def create(self, request, *args, **kwargs):
        given = serializers.ReportSaveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        measure, period, unit = access.get_fill_context_for_user(request.user, data["measure"], data["period"], data["unit"])
        targets = {t.pk for t in fillable_targets(measure=measure, period=period, unit_id=unit.pk)}
        stray = sorted({v["target"] for v in data["values"]} - targets)
        if stray:
            return Response({"detail": _("目标 %(ids)s 不是本单位本期填报的目标。") % {"ids": ", ".join(map(str, stray))}},
                            status=status.HTTP_400_BAD_REQUEST)
        report_input = ReportInput(
            narrative=data["narrative"], problems=data["problems"], next_steps=data["next_steps"],
            self_status=data["self_status"], confirmed_doubts=frozenset(data["confirmed_doubts"]),
            values={v["target"]: ValueInput(v["target"], v.get("value"), v.get("numerator"), v.get("denominator"))
                    for v in data["values"]},
        )
        try:
            with transaction.atomic():  # save and submit stand or fall together, as on the page
                report = report_save_draft(measure=measure, unit=unit, period=period, user=request.user,
                                           data=report_input, revision=data["revision"])
                if data["submit"]:
                    report = report_submit(report=report, user=request.user, revision=report.revision)
        except ReportingError as exc:
            return _refused(exc)
        return self._done(report, status.HTTP_201_CREATED if data["revision"] is None else status.HTTP_200_OK)

    @extend_schema(summary=gettext_lazy("提交审核"), request=serializers.SubmitSerializer,
                   responses={200: serializers.ReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = access.get_report_for_user(request.user, int(pk), action="edit")
        given = serializers.SubmitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            report = report_submit(report=report, user=request.user, revision=given.validated_data["revision"])
        except ReportingError as exc:
            return _refused(exc)
        return self._done(report)

    def _review(self, request, pk, decide):
        report = access.get_report_for_user(request.user, int(pk), action="review")
        given = serializers.ReviewSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            report = decide(report=report, user=request.user, comment=given.validated_data["comment"])
        except ReportingError as exc:
            return _refused(exc)
        return self._done(report)

    @extend_schema(summary=gettext_lazy("审核通过"), request=serializers.ReviewSerializer,
                   responses={200: serializers.ReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, pk, report_approve)

    @extend_schema(summary=gettext_lazy("退回（须填写审核意见）"), request=serializers.ReviewSerializer,
                   responses={200: serializers.ReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._review(request, pk, report_return)
