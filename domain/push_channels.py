"""Push channels (推送渠道): where a district's reminders are also sent, configured by the office per
unit, per leader or for the office itself.  Nothing is sent anywhere not configured here.

Kinds: 企业微信 group robot webhook, 钉钉 custom robot webhook (signed with its secret where the
robot requires it), a generic SMS gateway called over HTTP with a template, e-mail by SMTP.  The
settings (with their secrets) are kept on this record for the worker that delivers; what pages show
is the ``target`` (a host, masked numbers, addresses), never a key, token or password.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import Problems, require
from domain.labels import Labelled
from domain.reminders import OFFICE, RECIPIENT_KINDS


class ChannelKind(Labelled):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    SMS = "sms", "短信网关"
    EMAIL = "email", "电子邮件"


SECRET_FIELDS = frozenset({"secret", "token", "password"})
TEMPLATE_DEFAULT = '{"mobiles": "{手机号码}", "content": "{内容}"}'  # {内容}: the reminder; {手机号码}: the numbers


def _url(value: str) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_settings(kind: ChannelKind, settings: dict[str, str]) -> dict[str, str]:
    """The settings of a channel of ``kind``, trimmed; every problem at once (InputProblems)."""
    s = {k: str(v).strip() for k, v in settings.items() if v is not None and str(v).strip() != ""}
    problems = Problems()
    if kind in (ChannelKind.WECOM, ChannelKind.DINGTALK):
        problems.check(_url(s.get("webhook", "")), "channel.webhook", "请填写机器人的Webhook地址（http或https开头）。",
                       field="webhook")
        keep = ("webhook", "secret") if kind is ChannelKind.DINGTALK else ("webhook",)
    elif kind is ChannelKind.SMS:
        problems.check(_url(s.get("gateway", "")), "channel.gateway", "请填写短信网关地址（http或https开头）。",
                       field="gateway")
        phones = [p for p in s.get("phones", "").replace("，", ",").replace("、", ",").split(",") if p.strip()]
        problems.check(phones and all(p.strip().lstrip("+").isdigit() for p in phones), "channel.phones",
                       "请填写接收短信的手机号码，多个用逗号分隔。", field="phones")
        s["phones"] = ",".join(p.strip() for p in phones)
        template = s.get("template") or TEMPLATE_DEFAULT
        problems.check("{内容}" in template, "channel.template", "短信模板须包含{内容}（提醒内容）。", field="template")
        s["template"] = template
        keep = ("gateway", "phones", "template", "token")
    else:
        problems.check(bool(s.get("host")), "channel.smtp_host", "请填写邮件服务器地址。", field="host")
        port = s.get("port", "25")
        problems.check(port.isdigit() and 0 < int(port) < 65536, "channel.smtp_port", "邮件服务器端口应为1到65535的数字。",
                       field="port")
        s["port"] = port
        problems.check("@" in s.get("sender", ""), "channel.sender", "请填写发件人邮箱地址。", field="sender")
        to = [a.strip() for a in s.get("to", "").replace("，", ",").replace("、", ",").split(",") if a.strip()]
        problems.check(to and all("@" in a for a in to), "channel.to", "请填写收件人邮箱地址，多个用逗号分隔。", field="to")
        s["to"] = ",".join(to)
        keep = ("host", "port", "sender", "to", "username", "password", "starttls")
    problems.raise_any()
    return {k: s[k] for k in keep if k in s}


def target_of(kind: ChannelKind, settings: dict[str, str]) -> str:
    """What pages may show of a channel: the host, masked numbers or the addresses; never a secret."""
    if kind in (ChannelKind.WECOM, ChannelKind.DINGTALK):
        return urlsplit(settings["webhook"]).hostname or ""
    if kind is ChannelKind.SMS:
        phones = settings["phones"].split(",")
        return f"{urlsplit(settings['gateway']).hostname}：" + "、".join(f"{p[:3]}****{p[-4:]}" for p in phones)
    return settings["to"].replace(",", "、")


class PushChannels(DistrictAggregate):
    """推送渠道设置: the district's channels, one record per district."""

    label = "推送渠道设置"

    @staticmethod
    def id_for(district: str) -> UUID:
        return stable_id(district, "push-channels")

    @staticmethod
    def channel_id(district: str, kind: str, recipient: str) -> str:
        return stable_id(district, "push-channel", kind, recipient).hex

    @classmethod
    def start(cls, district: str, on: date) -> "PushChannels":
        return cls(id=cls.id_for(district), district=district, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, on: date) -> None:
        self.district = district
        self.channels: dict[str, dict] = {}  # channel id -> {"kind", "recipient", "settings"}

    def configure(self, kind: ChannelKind, recipient: str, settings: dict[str, str], on: date, actor: Actor) -> str:
        """Set the channel of ``kind`` for ``recipient`` (again: its settings replaced); a secret left
        empty when the channel exists keeps the one entered before (pages never show it back)."""
        actor.must_be(Role.OFFICE, Role.ADMIN, doing="设置推送渠道")
        require(recipient == OFFICE or recipient.split(":", 1)[0] in RECIPIENT_KINDS[:2], "channel.recipient",
                "推送对象应为承办单位、领导或督查室。", field="recipient")
        channel = self.channel_id(self.district, kind.value, recipient)
        before = self.channels.get(channel, {}).get("settings", {})
        given = {**{k: v for k, v in before.items() if k in SECRET_FIELDS}, **{k: v for k, v in settings.items() if v}}
        checked = check_settings(kind, given)
        self._configured(channel=channel, district=self.district, kind=kind.value, recipient=recipient,
                         target=target_of(kind, checked), signed=bool(checked.get("secret")), settings=checked,
                         on=max(on, self.last_on), actor=actor.as_record())
        return channel

    @event("ChannelConfigured")
    def _configured(self, channel: str, district: str, kind: str, recipient: str, target: str, signed: bool,
                    settings: dict, on: date, actor: dict) -> None:
        self.channels[channel] = {"kind": kind, "recipient": recipient, "settings": settings}

    def remove(self, channel: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.OFFICE, Role.ADMIN, doing="删除推送渠道")
        require(channel in self.channels, "channel.not_found", "没有这个推送渠道。")
        self._removed(channel=channel, on=max(on, self.last_on), actor=actor.as_record())

    @event("ChannelRemoved")
    def _removed(self, channel: str, on: date, actor: dict) -> None:
        self.channels.pop(channel, None)

    def for_recipient(self, recipient: str) -> list[str]:
        return sorted(c for c, v in self.channels.items() if v["recipient"] == recipient)


__all__ = ["PushChannels", "ChannelKind", "check_settings", "target_of"]
