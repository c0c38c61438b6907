"""API tokens: issued by an admin on a page, shown once, kept hashed, expiring, revocable,
read-only if asked, never more than their user, rate-limited each on its own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.api.models import ApiToken, token_hash

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_shown_once_and_keeps_only_its_hash(client, people):
    client.force_login(people["admin"])
    response = client.post(reverse("api:tokens"), {"user": people["lead_staff"].pk, "name": "省平台对接", "days": 30})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = response.context["issued"].key
    assert key.startswith("wp_") and key in response.content.decode()
    token = ApiToken.objects.get(user=people["lead_staff"])
    assert token.key_hash == token_hash(key) and key not in {token.prefix, token.key_hash, token.name}
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert token.created_by == people["admin"]
    assert key not in client.get(reverse("api:tokens")).content.decode()  # never again


def test_a_city_admin_issues_tokens_only_for_the_people_of_his_city(client, people):
    client.force_login(people["admin"])
    response = client.post(reverse("api:tokens"), {"user": people["other_city_staff"].pk, "name": "x", "days": 30})
    assert response.context["issued"] is None and "user" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_it_refuses_an_expiry_beyond_the_limit(client, people, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    client.force_login(people["admin"])
    response = client.post(reverse("api:tokens"), {"user": people["lead_staff"].pk, "name": "x", "days": 400})
    assert "days" in response.context["form"].errors


def test_a_token_calls_the_api_as_its_user(api):
    response = api("lead_staff").get(reverse("api:plan-list"))
    assert response.status_code == 200 and response.json()["results"]


def test_an_unknown_expired_or_revoked_token_or_an_inactive_user_is_refused(api, token_for, people, client):
    assert api(key="wp_not-a-token").get(reverse("api:plan-list")).status_code == 401
    expired = token_for("lead_staff")
    ApiToken.objects.filter(key_hash=token_hash(expired)).update(created_at=timezone.now() - timedelta(days=31),
                                                                 expires_at=timezone.now() - timedelta(seconds=1))
    assert api(key=expired).get(reverse("api:plan-list")).status_code == 401

    revoked = token_for("leader")
    token = ApiToken.objects.get(key_hash=token_hash(revoked))
    assert api(key=revoked).get(reverse("api:plan-list")).status_code == 200
    client.force_login(people["admin"])
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at and token.revoked_by == people["admin"]
    assert api(key=revoked).get(reverse("api:plan-list")).status_code == 401

    inactive = token_for("reviewer")
    people["reviewer"].is_active = False
    people["reviewer"].save()
    assert api(key=inactive).get(reverse("api:plan-list")).status_code == 401


def test_an_admin_of_another_city_cannot_revoke_a_token(client, people, token_for, person):
    token_for("lead_staff")
    token = ApiToken.objects.get()
    jm_admin = person("jm_admin", role="admin", city="jiangmen")
    client.force_login(jm_admin)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_never_sees_more_than_its_user(api, measure):
    outsider = api("other_city_staff")
    assert outsider.get(reverse("api:measure-detail", args=[measure.pk])).status_code == 404
    plans = outsider.get(reverse("api:plan-list")).json()["results"]
    assert plans and {p["city"] for p in plans} == {plans[0]["city"]} != {measure.task.plan.city_id}


def test_a_read_only_token_reads_but_does_not_write(api, measure, period, unit_of):
    client = api("lead_staff", read_only=True)
    assert client.get(reverse("api:report-list")).status_code == 200
    response = client.post(reverse("api:report-list"), {
        "measure": measure.pk, "unit": unit_of("市人力资源和社会保障局").pk, "period": period.pk, "revision": None,
    }, format="json")
    assert response.status_code == 403


def test_each_token_has_its_own_rate_limit(api, settings):
    settings.API_RATE_PER_TOKEN = "3/min"
    first, second = api("leader"), api("leader")
    url = reverse("api:indicator-list")
    assert [first.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get(url).status_code == 200
    assert "Retry-After" in first.get(url)


def test_its_last_use_is_recorded(api, token_for):
    key = token_for("leader")
    api(key=key).get(reverse("api:indicator-list"))
    assert ApiToken.objects.get(key_hash=token_hash(key)).last_used_at is not None
