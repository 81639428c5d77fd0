"""Sending one message on one push channel (推送): 企业微信 group robot, 钉钉 custom robot (signed
where a secret is configured), a generic SMS gateway over HTTP, e-mail by SMTP.

Each sender raises :class:`PushFailed` with the reason in the office's words; nothing here records
anything (``duban.delivery`` does).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
from email.message import EmailMessage
from urllib.parse import quote_plus

import httpx

TIMEOUT_SECONDS = 5.0


class PushFailed(Exception):
    """A delivery attempt failed; ``str(error)`` says why, in Chinese."""


def dingtalk_signed(webhook: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The robot's webhook with ``timestamp`` and ``sign`` (钉钉自定义机器人加签): HMAC-SHA256 of
    "timestamp\\nsecret" keyed with the secret, base64, URL-encoded."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest))
    return f"{webhook}{'&' if '?' in webhook else '?'}timestamp={timestamp}&sign={sign}"


def _post(url: str, **request) -> httpx.Response:
    try:
        answer = httpx.post(url, timeout=TIMEOUT_SECONDS, **request)
    except httpx.TimeoutException:
        raise PushFailed("连接超时") from None
    except httpx.HTTPError as error:
        raise PushFailed("无法连接对方服务器") from error
    if answer.status_code >= 300:
        raise PushFailed(f"对方服务器返回错误（状态码{answer.status_code}）")
    return answer


def _robot(url: str, text: str) -> None:
    answer = _post(url, json={"msgtype": "text", "text": {"content": text}})
    try:
        code = answer.json().get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0
    if code:
        raise PushFailed(f"机器人返回错误码{code}")


def _sms(settings: dict[str, str], text: str) -> None:
    template = settings["template"]
    as_json = template.lstrip().startswith("{")
    values = {"{内容}": text, "{手机号码}": settings["phones"]}
    body = template
    for key, value in values.items():
        body = body.replace(key, json.dumps(value, ensure_ascii=False)[1:-1] if as_json else value)
    headers = {"Content-Type": "application/json; charset=utf-8" if as_json else "text/plain; charset=utf-8"}
    if settings.get("token"):
        headers["Authorization"] = f"Bearer {settings['token']}"
    _post(settings["gateway"], content=body.encode("utf-8"), headers=headers)


def _email(settings: dict[str, str], subject: str, text: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings["sender"]
    message["To"] = ", ".join(settings["to"].split(","))
    message.set_content(text)
    try:
        with smtplib.SMTP(settings["host"], int(settings["port"]), timeout=TIMEOUT_SECONDS) as smtp:
            if settings.get("starttls"):
                smtp.starttls()
            if settings.get("username"):
                smtp.login(settings["username"], settings.get("password", ""))
            smtp.send_message(message)
    except smtplib.SMTPException as error:
        raise PushFailed("邮件服务器拒绝发送") from error
    except OSError as error:
        raise PushFailed("无法连接邮件服务器") from error


def send(kind: str, settings: dict[str, str], title: str, text: str) -> None:
    """Send ``text`` on a channel of ``kind`` with its ``settings``; PushFailed when it did not go."""
    words = f"【督办提醒】{text}"
    if kind == "wecom":
        _robot(settings["webhook"], words)
    elif kind == "dingtalk":
        url = settings["webhook"]
        _robot(dingtalk_signed(url, settings["secret"]) if settings.get("secret") else url, words)
    elif kind == "sms":
        _sms(settings, words)
    elif kind == "email":
        _email(settings, f"督办提醒：{title}", text)
    else:
        raise PushFailed("未知的推送渠道")


__all__ = ["PushFailed", "send", "dingtalk_signed"]
