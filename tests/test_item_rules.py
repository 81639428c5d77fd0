"""Rules around supervised items that cut across the lifecycle: who may assign, extensions and
who approves them (分管领导, 区长, AB角), business dates, district isolation, concurrent writers
and the one-line-per-command log.

Three tiers.  The item's own rules are given–when–then on the aggregate (``domain_harness``: no
store, no service).  The rules the service adds across records (who is in charge that day, a
retired unit, districts, business dates, expected versions, the log line) run through ``Duban``
on the in-memory store (``stores("memory")``).  Two writers racing on one item run on both real
stores.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from structlog.testing import capture_logs

from builders import DistrictBuilder, events_recorded, refused
from domain.actor import Actor, Role
from domain.errors import ConcurrentChange, DomainError, InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.item import ItemStatus, SupervisedItem
from domain.organisation import UnitKind
from domain.sources import SourceKind
from domain_harness import event, given, history, when
from duban.application import Duban

TODAY = date(2026, 3, 2)  # the conftest clock
DEADLINE = date(2026, 3, 31)
LATER = date(2026, 4, 30)

pytestmark = pytest.mark.stores("memory")  # rules, not storage: the service on the in-memory store


@pytest.fixture
def world(app):
    """Units A (lead), B (co), C; HEAD is 区长; V1 in charge of A, V2 of B and C; V2 covers V1 (AB角)."""
    return (
        DistrictBuilder(app)
        .units(A=("晴川街", UnitKind.SUBDISTRICT), B="区住建局", C="区城管局")
        .leaders(HEAD="district_head", V1="vice_head", V2="vice_head", V3="executive_vice_head")
        .place(A="V1", B="V2", C="V2")
        .cover(V1="V2")
        .build()
    )


@pytest.fixture
def item_id(world):
    """Assigned to A (lead) and B (co), signed for by both, due 2026-03-31."""
    return world.item(lead="A", co=["B"], sign=True, deadline=DEADLINE)


# ---------------------------------------------------------------------------------------- the aggregate alone
DISTRICT = "420105"
A, B, C = (uuid.uuid5(uuid.NAMESPACE_URL, f"duban-test-unit-{code}") for code in "ABC")
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district=DISTRICT)
LEADER = Actor(user="fuquzhang", role=Role.LEADER, district=DISTRICT, leader=uuid.uuid5(uuid.NAMESPACE_URL, "V1"))


def clerk(unit: uuid.UUID) -> Actor:
    return Actor(user=f"clerk-{unit.hex[:4]}", role=Role.UNIT, district=DISTRICT, unit=unit)


def registered() -> SupervisedItem:
    """督〔2026〕1号, registered by the office today, due DEADLINE."""
    return given(SupervisedItem.register(
        year=2026, number=1, source=SourceKind.EXECUTIVE_MEETING, reference="区政府第1次常务会议", decision_date=TODAY,
        title="推进老旧小区改造", description="", deadline=DEADLINE, deadline_basis="explicit", deadline_estimated=False,
        on=TODAY, actor=OFFICE))


def signed() -> SupervisedItem:
    """Assigned to A (lead) and B (co), signed for by both."""
    return given(registered(), lambda i: i.assign(A, [B], TODAY, OFFICE),
                 lambda i: i.sign_for(TODAY, clerk(A)), lambda i: i.sign_for(TODAY, clerk(B)))


def assign(lead, co, actor=OFFICE):
    return lambda item: item.assign(lead, list(co), TODAY, actor)


def ask(actor, new_deadline=LATER, reasons="征收工作受阻", on=TODAY):
    return lambda item: item.request_extension(new_deadline, reasons, on, actor)


def decide(grant, note, actor=OFFICE, new_deadline=None):
    return lambda item: item.decide_extension(grant, note, TODAY, actor, new_deadline=new_deadline)


def test_only_the_office_assigns():
    item = registered()
    when(item, assign(A, [], clerk(A))).refused("role.not_allowed", NotAllowed)
    when(item, assign(A, [], LEADER)).refused("role.not_allowed", NotAllowed)
    assigned = when(item, assign(A, [B])).then("Assigned", lead_unit=A, co_units=[B], on=TODAY)
    assert assigned.status is ItemStatus.ASSIGNED


def test_assignment_refusals():
    item = registered()
    when(item, assign(A, [B, A])).refused("item.lead_in_co_units", InvalidInput, field="co_units")
    when(item, assign(A, [B, B])).refused("item.duplicate_co_unit", InvalidInput, field="co_units")
    assigned = given(registered(), assign(A, [B]))
    when(assigned, assign(B, [])).refused("item.already_assigned", RuleViolation)
    assert (assigned.lead_unit, assigned.co_units) == (A, [B])


def test_extension_is_asked_by_the_lead_unit_with_reasons_one_at_a_time():
    item = signed()
    when(item, ask(clerk(B), reasons="协办任务重")).refused("item.lead_unit_only", NotAllowed)
    when(item, ask(clerk(C), reasons="任务重")).refused("item.unit_not_assigned", NotAllowed)
    when(item, ask(clerk(A), reasons=" ")).refused("extension.reasons_required", InvalidInput, field="reasons")
    when(item, ask(clerk(A), new_deadline=DEADLINE)).refused("extension.not_later", InvalidInput)
    when(item, decide(True, "同意")).refused("extension.none_pending", RuleViolation)

    asked = when(item, ask(clerk(A))).then("ExtensionRequested", new_deadline=LATER, reasons="征收工作受阻", on=TODAY)
    assert asked.pending_extension == {"new_deadline": LATER, "reasons": "征收工作受阻", "on": TODAY}
    when(asked, ask(clerk(A), date(2026, 5, 31), "再延")).refused("extension.already_pending", RuleViolation)
    when(asked, decide(True, "同意", clerk(A))).refused("role.not_allowed", NotAllowed)


def test_a_refused_extension_keeps_the_deadline_and_may_be_asked_again():
    asked = given(signed(), ask(clerk(A)))
    when(asked, decide(False, "  ")).refused("extension.refusal_reason_required", InvalidInput, field="note")
    declined = when(asked, decide(False, "理由不充分")).then("ExtensionRefused", note="理由不充分")
    assert (declined.deadline, declined.pending_extension, declined.extensions_granted) == (DEADLINE, None, 0)

    # asked again and granted: the new deadline applies
    again = when(declined, ask(clerk(A), reasons="补充说明征收进展")).then("ExtensionRequested")
    granted = when(again, decide(True, "同意")).then("ExtensionGranted", new_deadline=LATER, note="同意")
    assert (granted.deadline, granted.deadline_basis, granted.extensions_granted, granted.pending_extension) == (
        LATER, "extension", 1, None)


def test_the_office_may_grant_a_different_deadline():
    asked = given(signed(), ask(clerk(A), new_deadline=date(2026, 5, 31)))
    when(asked, decide(True, "同意", new_deadline=DEADLINE)).refused("extension.not_later", InvalidInput)
    granted = when(asked, decide(True, "延至4月底", new_deadline=LATER)).then("ExtensionGranted", new_deadline=LATER)
    assert granted.deadline == LATER


def test_extension_cannot_be_asked_after_the_deadline():
    item = signed()
    after = date(2026, 4, 1)  # the day after the deadline
    when(item, ask(clerk(A), on=after)).refused("extension.after_deadline", RuleViolation)
    # on the deadline day it is a request made in time
    asked = when(item, ask(clerk(A), on=DEADLINE)).then("ExtensionRequested", on=DEADLINE)
    assert asked.pending_extension["on"] == DEADLINE


def test_an_item_replayed_from_its_events_keeps_its_rules():
    """The same rules hold on an item read back from its events (as the store hands it back)."""
    built = SupervisedItem.register(
        year=2026, number=2, source=SourceKind.EXECUTIVE_MEETING, reference="区政府第1次常务会议", decision_date=TODAY,
        title="整治背街小巷", description="", deadline=DEADLINE, deadline_basis="explicit", deadline_estimated=False,
        on=TODAY, actor=OFFICE)
    built.assign(A, [], TODAY, OFFICE)
    built.sign_for(TODAY, clerk(A))
    built.request_extension(LATER, "征收工作受阻", TODAY, clerk(A))
    item = given(events=history(built))
    assert (item.status, item.pending_extension["new_deadline"], item.version) == (ItemStatus.IN_PROGRESS, LATER, 4)
    when(item, ask(clerk(A), date(2026, 5, 31), "再延")).refused("extension.already_pending", RuleViolation)
    when(item, decide(True, "同意")).then(event("ExtensionGranted", new_deadline=LATER))


def progress(actor, percent=40, text="完成摸底排查", attachments=None):
    return lambda item: item.report_progress(percent, text, attachments, TODAY, actor)


def completion(actor, summary="已完成"):
    return lambda item: item.report_completion(summary, None, TODAY, actor)


def test_progress_is_reported_by_the_assigned_units_after_signing_for():
    item = given(registered(), assign(A, [B]), lambda i: i.sign_for(TODAY, clerk(A)))
    when(item, progress(clerk(C))).refused("item.unit_not_assigned", NotAllowed)
    when(item, progress(clerk(B))).refused("item.not_signed_for", RuleViolation)
    when(item, progress(OFFICE)).refused("role.not_allowed", NotAllowed)
    reported = when(item, progress(clerk(A), text="  完成摸底排查 ")).then(
        "ProgressReported", unit=A, percent=40, text="完成摸底排查", attachments=[], subtask=None)
    both = given(reported, lambda i: i.sign_for(TODAY, clerk(B)), progress(clerk(B), 100, "协办部分完成"))
    assert [(r["unit"], r["percent"], r["text"]) for r in both.reports] == [
        (A, 40, "完成摸底排查"), (B, 100, "协办部分完成")]
    assert both.progress_percent == 40  # the lead unit's report speaks for the item


@pytest.mark.parametrize("percent, text, attachments, rule", [
    (-1, "进展", None, "progress.bad_percent"),
    (101, "进展", None, "progress.bad_percent"),
    ("50", "进展", None, "progress.bad_percent"),
    (50, "   ", None, "progress.text_required"),
    (50, "进展", [{"sha256": "ab" * 32}], "attachment.name_required"),
    (50, "进展", [{"name": "a.pdf", "size": 5}], "attachment.not_stored"),  # a typed name, no file
])
def test_a_progress_report_is_checked(percent, text, attachments, rule):
    when(signed(), progress(clerk(A), percent, text, attachments)).refused(rule, InvalidInput)


@pytest.mark.parametrize("percent", [0, 100])
def test_progress_percent_bounds_are_accepted(percent):
    assert when(signed(), progress(clerk(A), percent)).then("ProgressReported").progress_percent == percent


def test_completion_is_reported_by_the_signed_lead_unit_and_sent_back_or_signed_off_by_the_office():
    item = given(registered(), assign(A, [B]), lambda i: i.sign_for(TODAY, clerk(B)))
    when(item, completion(clerk(A))).refused("item.not_signed_for", RuleViolation)
    item = given(item, lambda i: i.sign_for(TODAY, clerk(A)))
    when(item, completion(clerk(B))).refused("item.lead_unit_only", NotAllowed)
    when(item, completion(clerk(A), " ")).refused("completion.summary_required", InvalidInput, field="summary")
    when(item, lambda i: i.sign_off("", TODAY, OFFICE)).refused("item.not_reported_complete", RuleViolation)
    when(item, lambda i: i.send_back("材料不全", TODAY, OFFICE)).refused("item.not_reported_complete", RuleViolation)

    for round_ in (1, 2):
        item = when(item, completion(clerk(A), f"第{round_}次报办结")).then("CompletionReported", summary=f"第{round_}次报办结")
        assert item.status is ItemStatus.COMPLETION_REPORTED
        when(item, progress(clerk(A), 100, "补充")).refused("item.awaiting_office", RuleViolation)
        when(item, lambda i: i.send_back("  ", TODAY, OFFICE)).refused("send_back.reasons_required", InvalidInput,
                                                                        field="reasons")
        item = when(item, lambda i: i.send_back("现场核查仍有问题", TODAY, OFFICE)).then("SentBack")
        assert (item.status, item.times_sent_back, item.completion) == (ItemStatus.IN_PROGRESS, round_, None)

    item = given(item, completion(clerk(A), "第3次报办结"))
    when(item, lambda i: i.sign_off("", TODAY, clerk(A))).refused("role.not_allowed", NotAllowed)
    done = when(item, lambda i: i.sign_off("核验通过", TODAY, OFFICE)).then("SignedOff", note="核验通过", on=TODAY)
    assert (done.status, done.closed_on, done.times_sent_back) == (ItemStatus.SIGNED_OFF, TODAY, 2)
    assert [s for _, s in done.status_history] == [
        "registered", "assigned", "in_progress", "completion_reported", "in_progress",
        "completion_reported", "in_progress", "completion_reported", "signed_off"]


# ---------------------------------------------------------------------------------------- through the service
def test_these_rules_run_without_a_database(app, request):
    """``stores("memory")``: the fast tier (not ``storage``), on eventsourcing's in-memory store."""
    assert app.env["PERSISTENCE_MODULE"] == "eventsourcing.popo"
    assert request.node.get_closest_marker("storage") is None


def test_a_retired_unit_is_not_assigned(app, world):
    item = world.item()
    app.retire_unit(world.unit_ids["C"], "机构改革撤并", world.office)
    with refused(world, RuleViolation, "unit.retired", item=item):
        app.assign_item(item, world.unit_ids["C"], [], world.office)
    with refused(world, RuleViolation, "unit.retired", item=item):
        app.assign_item(item, world.unit_ids["A"], [world.unit_ids["C"]], world.office)
    assert app.item(item, world.office).status is ItemStatus.REGISTERED


@pytest.mark.parametrize(
    "leader, away, allowed",
    [
        ("V1", False, True),   # in charge of the lead unit A
        ("HEAD", False, True),  # 区长 decides for every unit
        ("V2", False, False),  # in charge of the co-unit only
        ("V3", False, False),  # 常务副区长 but not in charge of A
        ("V2", True, True),    # V1's B role (AB角) while V1 is away
        ("V3", True, False),   # not V1's cover
    ],
)
def test_only_the_leader_in_charge_approves_an_extension(app, world, item_id, leader, away, allowed):
    if away:
        app.record_absence(world.leader_ids["V1"], date(2026, 3, 1), date(2026, 3, 6), world.office)
    app.request_extension(item_id, date(2026, 4, 30), "任务重", world.unit("A"))
    if allowed:
        assert app.decide_extension(item_id, True, "同意", world.leader(leader)).deadline == date(2026, 4, 30)
    else:
        with refused(world, NotAllowed, "leader.not_in_charge", item=item_id):
            app.decide_extension(item_id, True, "同意", world.leader(leader))
        assert app.item(item_id, world.office).deadline == DEADLINE


def test_who_is_in_charge_follows_the_portfolio_of_the_day(app, world, item_id, clock):
    app.request_extension(item_id, date(2026, 4, 30), "任务重", world.unit("A"))
    world.place("A", "V3", effective=date(2026, 3, 10))  # 分工调整, announced ahead
    # on 03-02 V1 is still in charge and V3 is not
    with refused(world, NotAllowed, "leader.not_in_charge", item=item_id):
        app.decide_extension(item_id, True, "同意", world.leader("V3"))
    clock.set(date(2026, 3, 10))
    with refused(world, NotAllowed, "leader.not_in_charge", item=item_id):
        app.decide_extension(item_id, True, "同意", world.leader("V1"))
    assert app.decide_extension(item_id, True, "同意", world.leader("V3")).extensions_granted == 1


# ---------------------------------------------------------------------------------------- business dates
def test_a_command_dated_in_the_future_is_refused(app, world, item_id):
    with refused(world, RuleViolation, "date.in_future", item=item_id) as info:
        app.report_item_progress(item_id, 10, "进展", world.unit("A"), on=date(2026, 3, 3))
    assert info.value.field == "on"
    with refused(world, DomainError, "date.in_future"):
        world.item(on=date(2026, 3, 3), decision_date=TODAY)


def test_a_command_dated_before_the_last_fact_is_refused(app, world):
    item_id = world.item(lead="A", sign=True, on=date(2026, 2, 20), decision_date=date(2026, 2, 20))
    app.report_item_progress(item_id, 30, "进展", world.unit("A"), on=date(2026, 2, 25))
    with refused(world, RuleViolation, "date.before_last_fact", item=item_id):
        app.report_item_progress(item_id, 40, "补报", world.unit("A"), on=date(2026, 2, 24))
    # back-dating to the same day as the last fact is fine
    item = app.report_item_progress(item_id, 40, "补报", world.unit("A"), on=date(2026, 2, 25))
    assert [r["on"] for r in item.reports] == [date(2026, 2, 25), date(2026, 2, 25)]


# ---------------------------------------------------------------------------------------- districts
def test_another_districts_item_is_not_found_and_nothing_leaks(app, world, item_id):
    other = DistrictBuilder(app, district="420106", name="洪山区").units(X="珞南街").build()
    X = other.unit("X")
    missing = SupervisedItem.id_for(world.district, 2026, 99)  # never registered

    def attempts(target):
        return [
            lambda: app.item(target, other.office),
            lambda: app.urge_item(target, "请加快", other.office),
            lambda: app.assign_item(target, other.unit_ids["X"], [], other.office),
            lambda: app.sign_for_item(target, X),
            lambda: app.report_item_progress(target, 10, "进展", X, expected_version=1),
            lambda: app.sign_off_item(target, other.office),
        ]

    before = events_recorded(app)
    for existing_attempt, missing_attempt in zip(attempts(item_id), attempts(missing)):
        with pytest.raises(NotFound) as seen:
            existing_attempt()
        with pytest.raises(NotFound) as unknown:
            missing_attempt()
        # the same answer as for an item that does not exist: no title, no number, no hint
        assert seen.value.as_dict() == unknown.value.as_dict()
        assert "推进老旧小区改造" not in str(seen.value) and "督〔" not in str(seen.value)
    assert events_recorded(app) == before
    assert app.item(item_id, world.office).urges == 0


# ---------------------------------------------------------------------------------------- concurrency
def test_a_stale_expected_version_is_a_conflict_and_the_first_write_stands(app, world, item_id):
    seen = app.item(item_id, world.office).version
    app.urge_item(item_id, "请加快", world.office)
    with refused(world, ConcurrentChange, "concurrency.conflict", item=item_id):
        app.report_item_progress(item_id, 50, "过半", world.unit("A"), expected_version=seen)
    item = app.item(item_id, world.office)
    assert (item.urges, item.reports, item.version) == (1, [], seen + 1)
    # with the fresh version it goes through
    assert app.report_item_progress(item_id, 50, "过半", world.unit("A"), expected_version=seen + 1).version == seen + 2


@pytest.mark.stores("sqlite", "postgres")  # what two writers meet is the store's
@pytest.mark.parametrize("seen_version", [True, False], ids=["expected-version", "no-expected-version"])
def test_two_writers_racing_on_one_item(app, world, item_id, store_env, clock, monkeypatch, seen_version):
    """Both load the same version, then both save.  With the version they saw (``expected_version``)
    one wins and the other gets ConcurrentChange at once; without, the loser is retried on the
    fresh item and both reports are recorded."""
    barrier = threading.Barrier(2, timeout=20)
    original = SupervisedItem.report_progress
    waited: set[int] = set()

    def report_then_wait(self, *args, **kwargs):
        original(self, *args, **kwargs)  # validated and applied in memory ...
        if threading.get_ident() not in waited:  # ... and neither saves before both have loaded
            waited.add(threading.get_ident())
            barrier.wait()

    monkeypatch.setattr(SupervisedItem, "report_progress", report_then_wait)
    version = app.item(item_id, world.office).version
    expected = version if seen_version else None
    second = Duban(env=store_env, clock=clock)
    outcomes: dict[str, object] = {}

    def write(name, duban, unit, percent):
        try:
            duban.report_item_progress(item_id, percent, f"{name}报送", world.unit(unit), expected_version=expected)
            outcomes[name] = "ok"
        except Exception as error:  # noqa: BLE001 - recorded and asserted below
            outcomes[name] = error

    try:
        with capture_logs() as logs:
            threads = [threading.Thread(target=write, args=("牵头", app, "A", 30)),
                       threading.Thread(target=write, args=("协办", second, "B", 70))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
    finally:
        second.close()

    assert sorted(outcomes) == ["协办", "牵头"], outcomes
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if outcome != "ok"]
    retries = [line for line in logs if line["event"] == "command_retry"]
    item = app.item(item_id, world.office)
    if seen_version:
        assert len(winners) == 1, outcomes
        assert len(losers) == 1 and isinstance(losers[0], ConcurrentChange), outcomes
        assert retries == []
        assert item.version == version + 1
        assert [r["text"] for r in item.reports] == [f"{winners[0]}报送"]
    else:
        assert losers == [], outcomes
        assert [(r["command"], r["attempt"]) for r in retries] == [("report_item_progress", 1)]
        assert item.version == version + 2
        assert sorted(r["text"] for r in item.reports) == ["协办报送", "牵头报送"]


# ---------------------------------------------------------------------------------------- structured log
def _command_lines(logs):
    return [line for line in logs if line.get("event") == "command"]


def test_one_log_line_per_command_ok_and_refused(app, world, item_id):
    with capture_logs() as logs:
        app.report_item_progress(item_id, 20, "进展", world.unit("A"))
    [line] = _command_lines(logs)
    assert {k: line[k] for k in ("command", "aggregate_id", "district", "actor", "outcome")} == {
        "command": "report_item_progress", "aggregate_id": str(item_id), "district": world.district,
        "actor": "a-clerk", "outcome": "ok"}
    assert line["events"] == 1

    with capture_logs() as logs, pytest.raises(NotAllowed):
        app.report_item_progress(item_id, 20, "进展", world.unit("C"))
    [line] = _command_lines(logs)
    assert {k: line[k] for k in ("command", "aggregate_id", "district", "actor", "outcome", "rule")} == {
        "command": "report_item_progress", "aggregate_id": str(item_id), "district": world.district,
        "actor": "c-clerk", "outcome": "forbidden", "rule": "item.unit_not_assigned"}

    with capture_logs() as logs, pytest.raises(RuleViolation):
        app.sign_off_item(item_id, world.office)
    [line] = _command_lines(logs)
    assert (line["command"], line["outcome"], line["rule"], line["actor"]) == (
        "sign_off_item", "refused", "item.not_reported_complete", world.office.user)


def test_registration_and_assignment_log_one_line_even_when_refused(app, world):
    with capture_logs() as logs:
        item = app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="第2次常务会议",
                                 decision_date=TODAY, title="事项", actor=world.office)
    [line] = _command_lines(logs)
    assert (line["command"], line["aggregate_id"], line["outcome"]) == ("register_item", str(item.id), "ok")

    refusals = [
        (lambda: app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示", decision_date=TODAY,
                                   title="事项", actor=world.office), "register_item", "invalid", "deadline.required"),
        (lambda: app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="会", decision_date=TODAY,
                                   title="事项", actor=world.unit("A")), "register_item", "forbidden",
         "role.not_allowed"),
    ]
    app.retire_unit(world.unit_ids["C"], "撤并", world.office)
    refusals.append((lambda: app.assign_item(item.id, world.unit_ids["C"], [], world.office), "assign_item",
                     "refused", "unit.retired"))
    for call, command, outcome, rule in refusals:
        with capture_logs() as logs, pytest.raises(DomainError):
            call()
        [line] = _command_lines(logs)
        assert (line["command"], line["outcome"], line["rule"], line["district"]) == (
            command, outcome, rule, world.district)


def test_a_leader_whose_post_has_ended_approves_nothing(app, world, item_id):
    app.request_extension(item_id, date(2026, 4, 30), "任务重", world.unit("A"))
    app.end_leader_post(world.leader_ids["V1"], world.office)
    with refused(world, NotAllowed, "leader.left", item=item_id):
        app.decide_extension(item_id, True, "同意", world.leader("V1"))
    assert app.decide_extension(item_id, True, "同意", world.leader("HEAD")).deadline == date(2026, 4, 30)
