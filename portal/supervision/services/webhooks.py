"""Outgoing webhooks: the group-robot formats of 企业微信 and 钉钉, and a plain JSON form for
other systems (a province's 粤政易 gateway …), each signed where its format has a signature.

钉钉 "加签": sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))),
timestamp in milliseconds, both added to the URL's query (DingTalk's robot documentation).
The plain JSON form is signed over f"{timestamp}.{body}" in X-Portal-Signature (sha256=hex)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ..models import Alert, Delivery, Webhook


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def _text(alert: Alert, link: str) -> str:
    lines = [f"### {alert.title}", alert.body]
    if alert.unit_id:
        lines.append(f"> 责任单位：{alert.unit.name}")
    if link:
        lines.append(f"[查看详情]({link})")
    return "\n\n".join(line for line in lines if line)


def _link(alert: Alert) -> str:
    base = getattr(settings, "SUPERVISION_SITE_URL", "").rstrip("/")
    if not base:
        return ""
    if alert.notice_id:
        return f"{base}/supervision/notices/{alert.notice_id}/"
    return f"{base}/measures/{alert.measure_id}/" if alert.measure_id else base


def build_request(webhook: Webhook, alert: Alert, *, now_ms: int | None = None) -> Request:
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    link = _link(alert)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    url = webhook.url
    if webhook.format == Webhook.Format.WECOM:
        payload = {"msgtype": "markdown", "markdown": {"content": _text(alert, link)}}
    elif webhook.format == Webhook.Format.DINGTALK:
        payload = {"msgtype": "markdown", "markdown": {"title": alert.title[:60], "text": _text(alert, link)}}
        if webhook.secret:
            sep = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{sep}timestamp={now_ms}&sign={dingtalk_sign(webhook.secret, now_ms)}"
    else:
        payload = {
            "event": "supervision.alert", "id": alert.pk, "kind": alert.kind, "title": alert.title, "body": alert.body,
            "city": alert.city.name, "unit": alert.unit.name if alert.unit_id else None,
            "measure": ({"id": alert.measure_id, "code": alert.measure.code, "text": alert.measure.text}
                        if alert.measure_id else None),
            "to_leader": alert.to_leader, "url": link, "created_at": alert.created_at.isoformat(),
        }
    body = json.dumps(payload, ensure_ascii=False).encode()
    if webhook.format == Webhook.Format.JSON and webhook.secret:
        mac = hmac.new(webhook.secret.encode(), f"{now_ms}.".encode() + body, hashlib.sha256).hexdigest()
        headers.update({"X-Portal-Timestamp": str(now_ms), "X-Portal-Signature": f"sha256={mac}"})
    return Request(url, body, headers)


class DeliveryFailed(Exception):
    pass


def post(request: Request, *, timeout: float) -> int:
    """POST; the robots answer 200 with {"errcode": 0} when they took the message."""
    req = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 (admin-configured URL)
            code, text = response.status, response.read(4096)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}", exc.code) from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(str(getattr(exc, "reason", exc))[:400], None) from None
    try:
        answer = json.loads(text or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise DeliveryFailed(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:400], code)
    return code


def delivery_attempt(*, delivery_id: int) -> bool:
    """One attempt; the row keeps the count, the code and the error. True when delivered."""
    delivery = Delivery.objects.select_related("webhook", "alert__measure__task", "alert__unit", "alert__city").get(
        pk=delivery_id)
    if delivery.status == Delivery.Status.SENT:
        return True
    Delivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
    try:
        code = post(build_request(delivery.webhook, delivery.alert), timeout=settings.SUPERVISION_WEBHOOK_TIMEOUT)
    except DeliveryFailed as exc:
        message, code = exc.args
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=message, response_code=code)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, response_code=code, last_error="",
                                                   sent_at=timezone.now())
    return True
