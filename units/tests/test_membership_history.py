"""Roles given and taken away leave history (#16.7): who was made what in which unit, by
whom and when, shown on the Django admin's page where memberships are managed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from units.models import Membership, Unit

pytestmark = pytest.mark.django_db


def test_it_records_a_role_given_changed_and_taken_away_with_its_author(client, make_user):
    superuser = get_user_model().objects.create_superuser("root_m", password="pw-for-tests-x1")
    user = make_user("jm_someone", city=None)
    bureau = Unit.objects.get(region__code="jiangmen", name="市人力资源和社会保障局")
    client.force_login(superuser)

    response = client.post(reverse("admin:units_membership_add"), {"user": user.pk, "unit": bureau.pk, "role": "staff"})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user)
    response = client.post(reverse("admin:units_membership_change", args=[membership.pk]),
                           {"user": user.pk, "unit": bureau.pk, "role": "reviewer"})
    assert response.status_code == 302
    page = client.get(reverse("admin:units_membership_history", args=[membership.pk])).content.decode()
    assert "审核员" in page and "root_m" in page
    response = client.post(reverse("admin:units_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert response.status_code == 302

    records = list(Membership.history.filter(id=membership.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.role, r.history_user) for r in records] == [
        ("+", "staff", superuser), ("~", "reviewer", superuser), ("-", "reviewer", superuser)]


def test_memberships_made_in_code_are_recorded_too(make_user):
    user = make_user("jm_coded", role="leader")
    assert Membership.history.filter(user_id=user.pk, history_type="+", role="leader").exists()
