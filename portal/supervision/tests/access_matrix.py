"""Access expectations of portal.supervision's URLs, merged into indicators/tests/test_access_matrix.py.

The world's measure is 中山 4.1 (the bureau leads, 团市委 supports); its notice goes to the
bureau. Staff and reviewers of the bureau act on it; the city's admin and leader supervise;
团市委 and 市财政局 do not see the bureau's notice (404); 江门 sees nothing of 中山 (404)."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.tests.test_access_matrix import GET, POST, everyone, row


def _notice(w):
    from portal.supervision.models import Notice

    if "notice" not in w:
        measure = w["measure"]
        w["notice"] = Notice.objects.create(
            measure=measure, unit=w["lead_report"].unit, city=measure.task.plan.city, request="请答复",
            answer_by=timezone.localdate() + timedelta(days=3), issued_by=w["people"]["admin"])
    return w["notice"]


def _attachment(w):
    from portal.supervision.models import Attachment

    if "attachment" not in w:
        w["attachment"] = Attachment.objects.create(
            notice=_notice(w), file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"), name="a.pdf", kind="pdf", size=15,
            uploaded_by=w["people"]["lead_staff"])
    return {"pk": w["attachment"].pk}


def _closure(w):
    from portal.supervision.models import Closure

    if "closure" not in w:
        w["closure"] = Closure.objects.create(measure=w["measure"], unit=w["lead_report"].unit, statement="完成",
                                              applied_by=w["people"]["lead_staff"])
    return {"pk": w["closure"].pk}


def _extension(w):
    from portal.supervision.models import Extension

    if "extension" not in w:
        w["extension"] = Extension.objects.create(
            measure=w["measure"], unit=w["lead_report"].unit, original_deadline=date(2027, 12, 31),
            requested_deadline=date(2028, 6, 30), reason="原因", applied_by=w["people"]["lead_staff"])
    return {"pk": w["extension"].pk}


def _scheme(w):
    from portal.supervision.models import Scheme, ScoreSummary

    if "scheme" not in w:
        w["scheme"] = Scheme.objects.create(city=w["plan"].city, plan=w["plan"], year=2024, name="考核")
        ScoreSummary.objects.create(scheme=w["scheme"], as_of=date(2024, 12, 31), unit=w["lead_report"].unit,
                                    rules_score=90, score=90, rank=1, grade="优秀")
    return {"pk": w["scheme"].pk}


CITY = lambda w: {"pk": w["plan"].city_id}  # noqa: E731
MEASURE = lambda w: {"pk": w["measure"].pk}  # noqa: E731
NOTICE = lambda w: {"pk": _notice(w).pk}  # noqa: E731

EXPECTATIONS = {
    "supervision:index": everyone(GET, 302),  # to the one city each persona sees
    "supervision:city": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "supervision:bulk_issue": row(POST, 302, 403, 403, 403, 404, 403, 302),
    "supervision:webhooks": row(GET, 200, 403, 403, 403, 404, 403, 403),
    "supervision:schemes": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "supervision:notice_new": row(GET, 200, 403, 403, 403, 404, 403, 200),
    "supervision:closure_new": row(GET, 403, 200, 403, 403, 404, 200, 403),
    "supervision:extension_new": row(GET, 403, 200, 403, 403, 404, 200, 403),
    "supervision:notice": row(GET, 200, 200, 404, 404, 404, 200, 200),
    "supervision:notice_acknowledge": row(POST, 403, 302, 404, 404, 404, 302, 403),
    "supervision:notice_return": row(POST, 403, 302, 404, 404, 404, 302, 403),
    "supervision:notice_answer": row(POST, 403, 302, 404, 404, 404, 302, 403),
    "supervision:notice_close": row(POST, 302, 403, 404, 404, 404, 403, 302),
    "supervision:notice_reissue": row(POST, 302, 403, 404, 404, 404, 403, 302),
    "supervision:attachment": row(GET, 200, 200, 404, 404, 404, 200, 200),
    "supervision:closure": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "supervision:closure_check": row(POST, 403, 403, 403, 403, 404, 302, 403),
    "supervision:closure_decide": row(POST, 403, 403, 403, 403, 404, 403, 302),
    "supervision:extension": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "supervision:extension_decide": row(POST, 403, 403, 403, 403, 404, 403, 302),
    "supervision:scheme": row(GET, 200, 403, 403, 403, 404, 403, 403),
    "supervision:scheme_compute": row(POST, 302, 403, 403, 403, 404, 403, 403),
    "supervision:ranking": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "supervision:ranking_xlsx": row(GET, 200, 200, 200, 200, 404, 200, 200),
    # The bureau's drill-down: its own people and the city's supervisors.
    "supervision:unit_score": row(GET, 200, 200, 404, 404, 404, 200, 200),
}
KWARGS = {
    "supervision:city": CITY, "supervision:bulk_issue": CITY, "supervision:webhooks": CITY, "supervision:schemes": CITY,
    "supervision:notice_new": MEASURE, "supervision:closure_new": MEASURE, "supervision:extension_new": MEASURE,
    "supervision:notice": NOTICE, "supervision:notice_acknowledge": NOTICE, "supervision:notice_return": NOTICE,
    "supervision:notice_answer": NOTICE, "supervision:notice_close": NOTICE, "supervision:notice_reissue": NOTICE,
    "supervision:attachment": _attachment,
    "supervision:closure": _closure, "supervision:closure_check": _closure, "supervision:closure_decide": _closure,
    "supervision:extension": _extension, "supervision:extension_decide": _extension,
    "supervision:scheme": _scheme, "supervision:scheme_compute": _scheme, "supervision:ranking": _scheme,
    "supervision:ranking_xlsx": _scheme,
    "supervision:unit_score": lambda w: {**_scheme(w), "unit_id": w["lead_report"].unit_id},
}
