"""The reminder and push-channel records' rules, store-free (given–when–then): a reminder is read by
its recipient only, and once; deliveries are recorded by the system; the reminder's id is the same
for the same rule, record, recipient and day; a channel is set by the office, its secret kept when
left empty and never part of what is shown."""

from __future__ import annotations

from datetime import date, datetime, timezone
from uuid import uuid4

import pytest
from domain_harness import given, when

from domain.actor import Actor, Role, system_actor
from domain.push_channels import ChannelKind, PushChannels
from domain.reminders import OFFICE, Reminder, ReminderRules, recipient_of

pytestmark = pytest.mark.stores("memory")
D = "420105"
DAY = date(2026, 3, 3)
AT = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
UNIT = uuid4()
CLERK = Actor(user="clerk", role=Role.UNIT, district=D, unit=UNIT)
OTHER = Actor(user="other", role=Role.UNIT, district=D, unit=uuid4())
OFFICE_USER = Actor(user="duchashi", role=Role.OFFICE, district=D)


def reminder(recipient: str = f"unit:{UNIT.hex}") -> Reminder:
    return given(Reminder.produce(district=D, rule="due_tomorrow", rules_version="2026-v1", record="ab" * 16,
                                  record_kind="item", number="督〔2026〕1号", title="路灯维修", recipient=recipient,
                                  text="明天到期", link="/unit/items/x", day=DAY, at=AT, actor=system_actor(D)))


def test_the_same_rule_record_recipient_and_day_is_the_same_reminder():
    same = Reminder.id_for(D, "due_tomorrow", "r1", "office", DAY)
    assert same == Reminder.id_for(D, "due_tomorrow", "r1", "office", DAY)
    assert same != Reminder.id_for(D, "due_tomorrow", "r1", "office", date(2026, 3, 4))
    assert same != Reminder.id_for(D, "overdue", "r1", "office", DAY)


def test_only_the_system_produces_reminders():
    with pytest.raises(Exception) as refused:
        Reminder.produce(district=D, rule="x", rules_version="2026-v1", record="r", record_kind="item", number="",
                         title="", recipient=OFFICE, text="", link="", day=DAY, at=AT, actor=OFFICE_USER)
    assert refused.value.rule == "role.not_allowed"


def test_the_recipient_reads_it_once_and_no_one_else_can():
    when(reminder(), lambda r: r.mark_read(OTHER, DAY, AT)).refused("reminder.not_yours")
    read = when(reminder(), lambda r: r.mark_read(CLERK, DAY, AT)).then("Read")
    when(read, lambda r: r.mark_read(CLERK, DAY, AT)).then()  # read already: nothing more recorded
    when(reminder(OFFICE), lambda r: r.mark_read(OFFICE_USER, DAY, AT)).then("Read")


def test_deliveries_are_recorded_by_the_system():
    system = system_actor(D)
    when(reminder(), lambda r: r.record_delivered("c1", 1, DAY, AT, CLERK)).refused("role.not_allowed")
    failed = when(reminder(), lambda r: r.record_failed("c1", 1, "连接超时", AT, DAY, AT, system)).then(
        "DeliveryFailed", attempt=1, error="连接超时")
    assert failed.deliveries["c1"]["status"] == "retrying"
    assert when(failed, lambda r: r.record_failed("c1", 2, "连接超时", None, DAY, AT, system)).then(
        "DeliveryFailed").deliveries["c1"]["status"] == "failed"


def test_whose_messages_a_user_reads():
    assert recipient_of(CLERK) == f"unit:{UNIT.hex}" and recipient_of(OFFICE_USER) == OFFICE
    assert recipient_of(Actor(user="j", role=Role.DISCIPLINE, district=D)) is None


def test_the_rules_file_names_each_rule_in_peoples_words():
    rules = ReminderRules.load()
    assert rules.due_soon_working_days == 3 and rules.label("due_soon") == "临近时限"
    assert not rules.rules["overdue"].push and rules.rules["assigned"].push  # dated ones go in the digest


def test_the_office_sets_a_channel_and_a_secret_left_empty_is_kept():
    channels = given(PushChannels.start(D, DAY))
    when(channels, lambda c: c.configure(ChannelKind.WECOM, OFFICE, {"webhook": "http://x"}, DAY, CLERK)).refused(
        "role.not_allowed")
    when(channels, lambda c: c.configure(ChannelKind.WECOM, "someone", {"webhook": "http://x"}, DAY,
                                         OFFICE_USER)).refused("channel.recipient")
    signed = when(channels, lambda c: c.configure(ChannelKind.DINGTALK, OFFICE, {
        "webhook": "https://oapi.dingtalk.com/robot/send?access_token=t", "secret": "SECabc"}, DAY, OFFICE_USER)).then(
        "ChannelConfigured", target="oapi.dingtalk.com", signed=True)
    again = when(signed, lambda c: c.configure(ChannelKind.DINGTALK, OFFICE, {
        "webhook": "https://oapi.dingtalk.com/robot/send?access_token=u", "secret": ""}, DAY, OFFICE_USER)).then(
        "ChannelConfigured", signed=True)
    (channel,) = again.for_recipient(OFFICE)
    assert again.channels[channel]["settings"]["secret"] == "SECabc"
    when(again, lambda c: c.remove(channel, DAY, OFFICE_USER)).then("ChannelRemoved")
    when(again, lambda c: c.remove("nope", DAY, OFFICE_USER)).refused("channel.not_found")
