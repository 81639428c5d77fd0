"""督查室 page of push channels (推送渠道): the channels configured per unit, per leader and for the
office (企业微信群机器人, 钉钉群机器人, 短信网关, 电子邮件), a form to add or change one, removal, and the
deliveries that failed after every retry.  Secrets typed in are never shown back."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.push_channels import ChannelKind
from domain.reminders import OFFICE
from duban.application import Duban
from web.auth import OFFICE_AREA
from web.context import Reads, done, page, today
from web.forms import FormBody, FormState

FIELDS = ("webhook", "secret", "gateway", "phones", "template", "token", "host", "port", "sender", "to", "username",
          "password", "starttls")
SECRETS = ("secret", "token", "password")


@dataclass(frozen=True)
class Recipient:
    key: str  # unit:<id>, leader:<id>, office
    name: str


def recipients(reads: Reads, district: str) -> list[Recipient]:
    """督查室, then the units and the leader posts in office, by name."""
    found = [Recipient(OFFICE, "督查室")]
    found += [Recipient(f"unit:{u.id.hex}", u.name) for u in reads.directory.units(district) if u.active]
    found += [Recipient(f"leader:{v.id.hex}", f"{v.title.label}{v.holder or ''}")
              for v in reads.directory.leaders(district) if v.active]
    return found


def _page(reads: Reads, duban: Duban, actor: Actor, form: FormState, status_code: int = 200) -> Template:
    people = recipients(reads, actor.district)
    names = {r.key: r.name for r in people}
    messages = reads.messages
    return page("office/push_channels.html", actor, today(duban), status_code=status_code, form=form,
                kinds=list(ChannelKind), kind_labels={k.value: k.label for k in ChannelKind},
                recipients=people, names=names, channels=messages.channels(actor.district),
                failed=messages.failed_deliveries(actor.district), failed_total=messages.failed_count(actor.district))


class OfficePushController(Controller):
    path = "/office/push-channels"
    guards = [OFFICE_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def channels(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                 reads: NamedDependency[Reads]) -> Template:
        return _page(reads, duban, actor, FormState())

    @post("/", sync_to_thread=True)
    def configure(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                  data: FormBody) -> Template | Redirect:
        actor.must_be(Role.OFFICE, doing="设置推送渠道")  # the administrator reads the page only
        values = {k: v for k, v in data.items() if k in (*FIELDS, "kind", "recipient")}
        try:
            kind = ChannelKind.parse(str(data.get("kind", "")), rule="channel.kind", what="推送方式", field="kind")
            settings = {k: str(data.get(k) or "") for k in FIELDS}
            duban.configure_push_channel(kind, str(data.get("recipient", "")), settings, actor)
        except DomainError as error:
            kept = {k: v for k, v in values.items() if k not in SECRETS}  # a secret is never shown back
            return _page(reads, duban, actor, FormState("configure", kept, error), status_code=422)
        return done("/office/push-channels", "推送渠道已保存。")

    @post("/{channel:str}/remove", sync_to_thread=True)
    def remove(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], channel: FromPath[str],
               data: FormBody) -> Redirect:
        actor.must_be(Role.OFFICE, doing="删除推送渠道")
        duban.remove_push_channel(channel, actor)
        return done("/office/push-channels", "推送渠道已删除。")


__all__ = ["OfficePushController"]
