"""The supervision models in the Django admin: every one registered, its list, an object's
page and its history open for a superuser; what the workflow makes cannot be added here."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.supervision.models import Notice
from portal.supervision.services.notices import notices_issue

pytestmark = pytest.mark.django_db


def test_every_supervision_model_is_registered_and_its_pages_open(client, measure, people, unit_of):
    notice = notices_issue(measure=measure, units=[unit_of("市人力资源和社会保障局")], level="listed", request="说明",
                           answer_by=timezone.localdate() + timedelta(days=5), user=people["leader"])[0]
    client.force_login(get_user_model().objects.create_superuser("root_s", password="pw-for-tests-x1"))
    models = [m for m in apps.get_app_config("supervision").get_models() if not m.__name__.startswith("Historical")]
    inlined = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    assert [m.__name__ for m in models if m not in admin.site._registry and m not in inlined] == []
    assert {"Attachment", "Rule", "OutsideScore", "ScoreItem"} <= {m.__name__ for m in inlined}
    for model in (m for m in models if m in admin.site._registry):
        url = reverse(f"admin:supervision_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model.__name__
    change = client.get(reverse("admin:supervision_notice_change", args=[notice.pk]))
    assert change.status_code == 200 and "说明" in change.content.decode()
    assert client.get(reverse("admin:supervision_notice_history", args=[notice.pk])).status_code == 200
    assert client.get(reverse("admin:supervision_notice_add")).status_code == 403
    assert client.get(reverse("admin:supervision_scheme_add")).status_code == 200
    assert Notice.objects.count() == 1
