"""What the API returns: plain fields of the models, in base units, with ids to follow."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from indicators.models import ActualValue, Indicator, Period, ProgressReport, RecordedResult, Target
from tasks.models import Measure, Plan, Responsibility, Task


class PlanSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="city.name", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "slug", "title", "city", "city_name", "year_start", "year_end", "frequency", "source_document"]


class TaskSerializer(serializers.ModelSerializer):
    section = serializers.StringRelatedField()
    programme_name = serializers.CharField(source="programme.name", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "number", "title", "section", "programme", "programme_name"]


class ResponsibilitySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["unit", "unit_name", "role"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "seq", "indicator", "kind", "comparator", "value", "value_max", "unit",
                  "period_start", "period_end", "phrase"]


class MeasureSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    responsibilities = ResponsibilitySerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = ["id", "code", "task", "plan", "text", "deadline_text", "deadline", "recurring",
                  "responsibilities", "targets"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "unit"]


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Period
        fields = ["id", "plan", "start", "end", "label", "due_date", "is_open"]


class RecordedResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordedResult
        fields = ["id", "indicator", "city", "year", "value", "unit", "phrase", "source_document"]


class ActualValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActualValue
        fields = ["target", "value", "numerator", "denominator", "doubt"]


class ReportSerializer(serializers.ModelSerializer):
    values = ActualValueSerializer(many=True, read_only=True)
    created_by = serializers.StringRelatedField()
    updated_by = serializers.StringRelatedField()
    reviewed_by = serializers.StringRelatedField()

    class Meta:
        model = ProgressReport
        fields = ["id", "measure", "unit", "period", "version", "state", "revision", "narrative", "problems",
                  "next_steps", "self_status", "values", "created_by", "created_at", "updated_by", "updated_at",
                  "submitted_at", "reviewed_by", "reviewed_at", "review_comment"]


# --- writes: what a client sends ---------------------------------------------------------


class ValueInSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4, required=False, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=4, required=False, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=4, required=False, allow_null=True)


class ReportSaveSerializer(serializers.Serializer):
    """A draft, as the report form takes it: values in the target's base unit (a rate as a
    numerator and a denominator); `revision` the one read (null for a new report) — a save
    on an older one is refused with 409; `confirmed_doubts` the doubts (422) the filer accepts."""

    measure = serializers.IntegerField()
    unit = serializers.IntegerField()
    period = serializers.IntegerField()
    revision = serializers.IntegerField(allow_null=True)
    narrative = serializers.CharField(allow_blank=True, default="", max_length=5000)
    problems = serializers.CharField(allow_blank=True, default="", max_length=5000)
    next_steps = serializers.CharField(allow_blank=True, default="", max_length=5000)
    self_status = serializers.ChoiceField(choices=ProgressReport.SelfStatus.choices, allow_blank=True, default="")
    values = ValueInSerializer(many=True, default=list)
    confirmed_doubts = serializers.ListField(child=serializers.CharField(max_length=500), default=list)
    submit = serializers.BooleanField(default=False, help_text=gettext_lazy("保存后立即提交审核"))


class SubmitSerializer(serializers.Serializer):
    revision = serializers.IntegerField()


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="", max_length=2000)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    doubts = serializers.DictField(child=serializers.CharField(), required=False)
