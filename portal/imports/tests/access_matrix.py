"""Access expectations of portal.imports' URLs, merged into indicators/tests/test_access_matrix.py.

Declared here so far: the plan-text page (portal.imports.drafting), admins of a city only;
the 专项 choice of an import job, as its other choices; a plan text drafted by a job, its
page, progress and download, for the admins of its city (the download only once drafted).
"""

from indicators.tests.test_access_matrix import GET, POST, _import_job, row

EXPECTATIONS = {
    "drafting:draft": row(GET, 200, 403, 403, 403, 403, 403, 403),
    "imports:job_programmes": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "drafting:job": row(GET, 200, 403, 403, 403, 404, 403, 403),
    "drafting:job_progress": row(GET, 200, 403, 403, 403, 404, 403, 403),
    "drafting:job_download": row(GET, 404, 403, 403, 403, 404, 403, 403),
}


def _draft_job(w) -> dict:
    from portal.imports.models import DraftJob

    if "draft_job" not in w:
        w["draft_job"] = DraftJob.objects.create(city=w["plan"].city, year_start=2025, year_end=2025, text="（一）稳就业。",
                                                 created_by=w["people"]["admin"])
    return {"pk": w["draft_job"].pk}


KWARGS: dict = {"imports:job_programmes": _import_job, "drafting:job": _draft_job,
                "drafting:job_progress": _draft_job, "drafting:job_download": _draft_job}
