"""Warnings posted to a real HTTP server on loopback: bodies, DingTalk's signature, retries,
quiet hours, each warning once."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from portal.supervision.models import Alert, Delivery, Webhook
from portal.supervision.services.alerts import alerts_dispatch, alerts_scan, in_quiet_hours
from portal.supervision.services.webhooks import dingtalk_sign
from portal.supervision.tasks import deliver_task

pytestmark = pytest.mark.django_db


class Robot:
    """A loopback server that fails the first `fail` posts with HTTP 500, then answers errcode 0."""

    def __init__(self, fail: int = 0):
        self.fail, self.received = fail, []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.received.append((self.path, dict(self.headers), body))
                code = 500 if len(robot.received) <= robot.fail else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot?access_token=t"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def robot():
    servers = []

    def make(fail=0):
        servers.append(Robot(fail))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


@pytest.fixture
def alert(measure, unit_of):
    return Alert.objects.create(key="t:1", kind="red_twice", measure=measure, unit=unit_of("市人力资源和社会保障局"),
                                city=measure.task.plan.city, title="预警：4.1 连续两期滞后", body=measure.text, to_leader=True)


NOON = timezone.make_aware(datetime(2024, 5, 6, 12, 0))


def _dispatch(now=NOON):
    queued = []
    sent = alerts_dispatch(now=now, enqueue=queued.append)
    return sent, queued


def test_wecom_and_plain_json_bodies(robot, alert, settings, django_capture_on_commit_callbacks):
    wecom, plain = robot(), robot()
    city = alert.city
    Webhook.objects.create(city=city, name="企业微信", format="wecom", url=wecom.url)
    Webhook.objects.create(city=city, unit=alert.unit, name="粤政易", format="json", url=plain.url, secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        sent, queued = _dispatch()
    assert sent == 1 and len(queued) == 2
    for pk in queued:
        assert deliver_task.apply(args=[pk]).get() is True
    body = json.loads(wecom.received[0][2])
    assert body["msgtype"] == "markdown" and "连续两期滞后" in body["markdown"]["content"]
    _path, headers, raw = plain.received[0]
    payload = json.loads(raw)
    assert payload["kind"] == "red_twice" and payload["measure"]["code"] == alert.measure.code
    mac = hmac.new(b"k", headers["X-Portal-Timestamp"].encode() + b"." + raw, hashlib.sha256).hexdigest()
    assert headers["X-Portal-Signature"] == f"sha256={mac}"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_dingtalk_is_signed_as_dingtalk_documents(robot, alert, django_capture_on_commit_callbacks):
    ding = robot()
    Webhook.objects.create(city=alert.city, name="钉钉", format="dingtalk", url=ding.url, secret="SECabc")
    with django_capture_on_commit_callbacks(execute=True):
        _sent, queued = _dispatch()
    deliver_task.apply(args=[queued[0]])
    path, _headers, raw = ding.received[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"][0] == expected and query["access_token"] == ["t"]
    assert json.loads(raw)["markdown"]["title"].startswith("预警")
    assert dingtalk_sign("SECabc", int(timestamp)) == urllib.parse.quote_plus(expected)


def test_a_failing_endpoint_is_retried_with_backoff_and_logged(robot, alert, settings, django_capture_on_commit_callbacks,
                                                               monkeypatch):
    settings.SUPERVISION_WEBHOOK_RETRIES = 3
    # apply() runs the retries in process, as a worker would after each backoff.
    monkeypatch.setitem(deliver_task.app.conf, "task_eager_propagates", False)
    flaky, down = robot(fail=2), robot(fail=99)
    Webhook.objects.create(city=alert.city, name="flaky", format="json", url=flaky.url)
    Webhook.objects.create(city=alert.city, name="down", format="wecom", url=down.url)
    with django_capture_on_commit_callbacks(execute=True):
        _sent, queued = _dispatch()
    results = {Delivery.objects.get(pk=pk).webhook.name: deliver_task.apply(args=[pk]) for pk in queued}
    flaky_row, down_row = Delivery.objects.get(webhook__name="flaky"), Delivery.objects.get(webhook__name="down")
    assert (flaky_row.status, flaky_row.attempts) == ("sent", 3) and len(flaky.received) == 3
    assert (down_row.status, down_row.attempts, down_row.last_error) == ("failed", 4, "HTTP 500")
    assert len(down.received) == 4  # the first try and three retries
    assert results["down"].get() is False


def test_quiet_hours_hold_alerts_and_each_is_sent_once(alert, people):
    night = timezone.make_aware(datetime(2024, 5, 6, 23, 30))
    assert in_quiet_hours(night) and in_quiet_hours(night + timedelta(hours=9)) is False
    assert in_quiet_hours(timezone.make_aware(datetime(2024, 5, 6, 7, 59)))
    assert _dispatch(night)[0] == 0
    assert _dispatch(NOON)[0] == 1
    assert _dispatch(NOON)[0] == 0
    assert people["leader"].notifications.filter(title=alert.title).count() == 1


def test_the_scan_warns_n_days_before_a_deadline_once(measure, settings):
    settings.SUPERVISION_WARN_DAYS_BEFORE = 3
    today = timezone.localdate()
    measure.deadline = today + timedelta(days=3)
    measure.save()
    alerts_scan(today=today)
    alerts_scan(today=today)
    alert = Alert.objects.get(kind="deadline", measure=measure)
    assert alert.to_leader and str(measure.deadline) in alert.title
    measure.deadline = today + timedelta(days=4)
    measure.save()
    Alert.objects.all().delete()
    alerts_scan(today=today)
    assert not Alert.objects.filter(kind="deadline", measure=measure).exists()
