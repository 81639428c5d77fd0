"""Deadlines that stay true (issue 13, point 2): a deadline counted in working days (or months) on a
year whose holiday schedule was not yet published is estimated (Monday–Friday assumed).  Loading the
year's schedule counts every such deadline again by the rule it was counted with: confirmed (the
same day) or corrected (another day) on its record by the system, with the old and new day; a miss
the watcher recorded on a day the new deadline had not yet passed is withdrawn; the read models,
the office's list of changes and the running server follow — and a rebuild gives the same answer.

The rules on the aggregates alone first; then the whole story on both stores, through the web API
of a server that keeps running while another process (``duban calendar load``) loads the schedule."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from web_world import build_web_world

from domain.actor import Actor, Role, deployment_actor, system_actor
from domain.calendar import WorkingDayCalendar, parse_schedule
from domain.deadlines import Deadline, counted_deadline
from domain.errors import NotAllowed
from domain.item import SupervisedItem
from domain.sources import SourceKind
from duban.application import Duban
from duban.application.watcher import WatchCandidates
from duban.worker import Worker
from projections.read_side import ReadSide

SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
year: 2027
2027-01-01 休 元旦
2027-02-06..2027-02-13 休 春节
2027-02-14 班 春节调休
2027-02-20 班 春节调休
"""
D = "420105"
OFFICE = Actor(user="office", role=Role.OFFICE, district=D)
SYSTEM = system_actor(D)
LEAD = uuid4()
CLERK = Actor(user="clerk", role=Role.UNIT, district=D, unit=LEAD)
FEB1 = date(2027, 2, 1)
GUESSED = WorkingDayCalendar()  # 2027 unknown: Monday to Friday
KNOWN = WorkingDayCalendar([parse_schedule(SCHEDULE_2027)])


def estimated_item(working_days: int = 5) -> SupervisedItem:
    """Decided and registered on 1 February 2027, due N working days later as guessed (Monday–Friday)."""
    due = counted_deadline(GUESSED, f"working_days:{working_days}", FEB1)
    assert due is not None and due.estimated
    item = SupervisedItem.register(
        year=2027, number=1, source=SourceKind.LEADER_INSTRUCTION, reference="批示〔2027〕1号", decision_date=FEB1,
        title="春节保供", description="", deadline=due.day, deadline_basis=due.basis, deadline_estimated=True,
        on=FEB1, actor=OFFICE)
    item.assign(LEAD, [], FEB1, OFFICE)
    item.sign_for(FEB1, CLERK)
    return item


def names(item) -> list[str]:
    return [type(e).__name__ for e in item.pending_events]


# ---- the rules, on the aggregate ---------------------------------------------------------------------------
def test_a_deadline_the_schedule_moves_is_corrected_and_a_miss_it_disproves_is_withdrawn():
    # given 5 working days guessed to end on Monday 8 February, missed (by the watch) on the 9th
    item = estimated_item(5)
    assert item.deadline == date(2027, 2, 8)
    item.record_deadline_missed(date(2027, 2, 9), SYSTEM)
    # when the schedule (春节 6–13 February, Sunday the 14th worked) is known
    outcome = item.settle_deadline(counted_deadline(KNOWN, item.deadline_basis, FEB1), date(2027, 2, 10), SYSTEM)
    # then the deadline is corrected to the 14th, and the miss of the 9th, before it, withdrawn
    assert outcome == "corrected" and (item.deadline, item.deadline_estimated) == (date(2027, 2, 14), False)
    assert names(item)[-2:] == ["DeadlineCorrected", "DeadlineMissWithdrawn"]
    corrected, withdrawn = item.pending_events[-2:]
    assert (corrected.old_deadline, corrected.new_deadline) == (date(2027, 2, 8), date(2027, 2, 14))
    assert (withdrawn.deadline, withdrawn.happened_on) == (date(2027, 2, 8), date(2027, 2, 9))
    assert item.missed_deadlines == []
    # and the new deadline, missed in turn, is recorded by the next watch — dated the day after it
    assert not item.record_deadline_missed(date(2027, 2, 14), SYSTEM)
    assert item.record_deadline_missed(date(2027, 2, 16), SYSTEM)
    assert item.pending_events[-1].happened_on == date(2027, 2, 15)


def test_a_deadline_the_schedule_keeps_is_confirmed_and_its_miss_stands():
    # given 3 working days (Thursday 4 February, before the holiday), missed on the 5th
    item = estimated_item(3)
    item.record_deadline_missed(date(2027, 2, 5), SYSTEM)
    # when the schedule is known: the same day
    assert item.settle_deadline(counted_deadline(KNOWN, item.deadline_basis, FEB1), date(2027, 2, 10),
                                SYSTEM) == "confirmed"
    # then it is confirmed, no longer estimated, and the miss stands
    assert names(item)[-1] == "DeadlineConfirmed" and not item.deadline_estimated
    assert item.missed_deadlines == [date(2027, 2, 4)]
    # and settling again does nothing
    assert item.settle_deadline(counted_deadline(KNOWN, item.deadline_basis, FEB1), date(2027, 2, 10), SYSTEM) is None


def test_a_miss_after_the_new_deadline_stands_for_it_and_is_not_recorded_twice():
    # given a deadline guessed as 8 February that a (hypothetical) schedule moves earlier, to the 5th,
    # and a miss recorded on the 9th
    item = estimated_item(5)
    item.record_deadline_missed(date(2027, 2, 9), SYSTEM)
    earlier = Deadline(date(2027, 2, 5), item.deadline_basis, False)
    # when it is corrected
    assert item.settle_deadline(earlier, date(2027, 2, 10), SYSTEM) == "corrected"
    # then the miss stands (the 9th was past the 5th as well), and the watch does not record it again
    assert names(item)[-1] == "DeadlineCorrected" and item.pending_events[-1].still_missed
    assert not item.record_deadline_missed(date(2027, 2, 11), SYSTEM)


def test_explicit_and_extended_deadlines_are_never_touched_and_only_the_system_settles():
    item = estimated_item(5)
    with pytest.raises(NotAllowed):
        item.settle_deadline(counted_deadline(KNOWN, item.deadline_basis, FEB1), FEB1, OFFICE)
    item.request_extension(date(2027, 3, 31), "春节停工", date(2027, 2, 2), CLERK)
    item.decide_extension(True, "同意", date(2027, 2, 3), OFFICE)
    assert item.deadline_basis == "extension" and not item.deadline_estimated
    assert counted_deadline(KNOWN, "extension", FEB1) is None and counted_deadline(KNOWN, "explicit", FEB1) is None
    assert item.settle_deadline(Deadline(date(2027, 2, 14), "working_days:5", False), date(2027, 2, 4), SYSTEM) is None


# ---- the whole story, on both stores, with the server running -------------------------------------------------
def test_loading_the_schedule_settles_every_estimated_deadline_and_the_running_server_follows(app, clock, store_env):
    clock.set(date(2026, 3, 2))
    worker = Worker(app, watch=False)  # the server's in-process worker, kept at hand to stop it for the rebuild
    web = build_web_world(app, worker=worker)
    world, office = web.world, web.world.office
    unit = world.unit_ids

    # given items and a notice registered on 1 February 2027, before the 2027 schedule was published
    clock.set(FEB1)

    def item(key: str, lead: str, **how) -> UUID:
        how.setdefault("source", SourceKind.LEADER_INSTRUCTION)
        how.setdefault("decision_date", FEB1)
        how.setdefault("reference", f"批示〔2027〕{key}")
        return web.item(f"事项{key}", lead=lead, sign=True, **how)

    ids = {
        "A": item("A", "A", working_days=5),  # guessed Mon 8 Feb; truly Sun 14 Feb (调休)
        "B": item("B", "B", source=SourceKind.EXECUTIVE_MEETING, reference="区政府第1次常务会议",
                  decision_date=date(2027, 1, 6)),  # one month: Sat 6 Feb → guessed 8th; truly 14th
        "C": item("C", "A", working_days=3),  # Thu 4 Feb either way: confirmed
        "D": item("D", "B", deadline=date(2027, 2, 9)),  # explicit: never touched
        "E": item("E", "C", working_days=10),  # extended: never touched
        "F": item("F", "C", source=SourceKind.NPC_SUGGESTION, reference="第45号",
                  decision_date=date(2026, 11, 10)),  # three months: Wed 10 Feb guessed; truly 14th
        "G": item("G", "A", working_days=6),  # guessed Tue 9 Feb; truly 15th — signed off before either
    }
    notice = app.issue_notice(unit=unit["A"], subject_kind="item", subject_id=ids["A"], title="关于春节保供的督办通知",
                              tasks=[{"task": "报送保供方案", "responsible": "局长", "deadline": date(2027, 3, 1)}],
                              actor=office)  # reply within 7 working days: guessed 10 Feb; truly 16th
    estimated = {k: app.item(i, office).deadline for k, i in ids.items()}
    assert estimated == {"A": date(2027, 2, 8), "B": date(2027, 2, 8), "C": date(2027, 2, 4), "D": date(2027, 2, 9),
                         "E": date(2027, 2, 15), "F": date(2027, 2, 10), "G": date(2027, 2, 9)}
    assert (notice.reply_deadline, notice.reply_deadline_estimated) == (date(2027, 2, 10), True)
    clock.set(date(2027, 2, 2))
    app.request_extension(ids["E"], date(2027, 3, 31), "春节期间停工", world.unit("C"))
    clock.set(date(2027, 2, 3))
    app.decide_extension(ids["E"], True, "同意延期", office)
    clock.set(date(2027, 2, 4))
    app.report_completion(ids["G"], "已完成", world.unit("A"))
    clock.set(date(2027, 2, 5))
    app.sign_off_item(ids["G"], office)
    # and the daily watch judged them on the guessed days, up to 11 February
    day = date(2027, 2, 2)
    while day <= date(2027, 2, 11):
        clock.set(day)
        app.tick()
        day += timedelta(days=1)
    assert {k: app.item(i, office).missed_deadlines for k, i in ids.items() if app.item(i, office).missed_deadlines} == {
        "A": [date(2027, 2, 8)], "B": [date(2027, 2, 8)], "C": [date(2027, 2, 4)], "D": [date(2027, 2, 9)],
        "F": [date(2027, 2, 10)]}
    assert app.notice(notice.id, office).reply_overdue_recorded

    client = web.client("duchashi")
    server = web.asgi.state.served.reads  # the running server's read side
    assert server.caught_up_to(app.saved_position, timeout=10)
    before = client.get(f"/api/items/{ids['A']}").json()
    assert (before["deadline"], before["deadline_estimated"]) == ("2027-02-08", True)
    preview = {"source": "leader_instruction", "decision_date": "2027-02-01", "working_days": "5"}
    guessed = client.get("/api/default-deadline", params=preview).json()
    assert (guessed["deadline"], guessed["estimated"]) == ("2027-02-08", True)  # the server's calendar is now cached
    ledger_page = client.get("/office/ledger").text
    assert "estimated-footnote" in ledger_page and "/office/deadline-changes" in ledger_page
    assert _units_facts(client, world, "2027-02") == {
        "区住建局": {"deadline_missed": 2, "open_overdue": 2}, "晴川街": {"deadline_missed": 2, "open_overdue": 2},
        "区城管局": {"deadline_missed": 1, "open_overdue": 1}}

    # when the deployment administrator loads the schedule on 12 February, from another process
    clock.set(date(2027, 2, 12))
    operator = Duban(env=store_env, clock=clock)
    try:
        with pytest.raises(NotAllowed):  # the district's own office may not: the schedule is national
            operator.load_calendar(parse_schedule(SCHEDULE_2027), "国办发明电", office)
        loaded = operator.load_calendar(parse_schedule(SCHEDULE_2027), "国办发明电〔2026〕7号", deployment_actor("ops"))
        position = operator.saved_position
    finally:
        operator.close()

    # then every deadline counted on the estimate is counted again by its rule ...
    review = loaded.review
    assert review.confirmed == 1 and review.conflicts == 0
    assert {(c.number, c.old, c.new, c.withdrawn) for c in review.corrected} == {
        (app.item(ids["A"], office).number_label, date(2027, 2, 8), date(2027, 2, 14), True),
        (app.item(ids["B"], office).number_label, date(2027, 2, 8), date(2027, 2, 14), True),
        (app.item(ids["F"], office).number_label, date(2027, 2, 10), date(2027, 2, 14), True),
        (app.item(ids["G"], office).number_label, date(2027, 2, 9), date(2027, 2, 15), False),
        (notice.number_label, date(2027, 2, 10), date(2027, 2, 16), True)}
    settled = {k: (app.item(i, office).deadline, app.item(i, office).deadline_estimated) for k, i in ids.items()}
    assert settled == {"A": (date(2027, 2, 14), False), "B": (date(2027, 2, 14), False),
                       "C": (date(2027, 2, 4), False), "D": (date(2027, 2, 9), False),
                       "E": (date(2027, 3, 31), False), "F": (date(2027, 2, 14), False),
                       "G": (date(2027, 2, 15), False)}
    settled_notice = app.notice(notice.id, office)
    assert (settled_notice.reply_deadline, settled_notice.reply_deadline_estimated) == (date(2027, 2, 16), False)
    # ... recorded on each record by the system, the false misses withdrawn and the true ones kept
    assert _events(app, ids["A"])[-2:] == ["DeadlineCorrected", "DeadlineMissWithdrawn"]
    assert _events(app, ids["C"])[-1] == "DeadlineConfirmed" and _events(app, ids["D"])[-1] == "DeadlineMissed"
    assert _events(app, notice.id)[-2:] == ["ReplyDeadlineCorrected", "ReplyOverdueWithdrawn"]
    corrected = next(e for e in app.store.events.get(ids["B"]) if type(e).__name__ == "DeadlineCorrected")
    assert (corrected.actor["role"], corrected.on, corrected.old_deadline, corrected.new_deadline) == (
        "system", date(2027, 2, 12), date(2027, 2, 8), date(2027, 2, 14))
    assert {k: app.item(i, office).missed_deadlines for k, i in ids.items() if app.item(i, office).missed_deadlines} == {
        "C": [date(2027, 2, 4)], "D": [date(2027, 2, 9)]}
    assert not settled_notice.reply_overdue_recorded

    # and the running server answers from the new schedule, without a restart
    assert server.caught_up_to(position, timeout=10)
    after = client.get(f"/api/items/{ids['A']}").json()
    assert (after["deadline"], after["deadline_estimated"], after["missed_deadlines"]) == ("2027-02-14", False, [])
    known = client.get("/api/default-deadline", params=preview).json()
    assert (known["deadline"], known["estimated"]) == ("2027-02-14", False)  # its calendar noticed the load
    rows = {r["entry_id"]: r for r in client.get("/api/ledger", params={"kinds": ["item", "notice"]}).json()["rows"]}
    a, c, n = rows[ids["A"].hex], rows[ids["C"].hex], rows[notice.id.hex]
    assert (a["deadline"], a["deadline_estimated"], a["working_days_overdue"], a["deadlines_missed"]) == (
        "2027-02-14", False, 0, 0)
    assert a["warning_rule"] != "red.overdue" and c["warning_rule"] == "red.overdue"
    assert c["working_days_overdue"] == 1  # only Friday the 5th worked since the 4th: 春节 from the 6th
    assert (n["deadline"], n["working_days_overdue"], n["deadlines_missed"]) == ("2027-02-16", 0, 0)
    warnings = {w["row"]["entry_id"]: w["rule"] for w in client.get("/api/warnings").json()}
    assert warnings[ids["A"].hex] != "red.overdue" and warnings[ids["C"].hex] == "red.overdue"
    assert _units_facts(client, world, "2027-02") == {
        "区住建局": {"deadline_missed": 1, "open_overdue": 1}, "晴川街": {"deadline_missed": 1, "open_overdue": 1},
        "区城管局": {}}
    changes = client.get("/api/deadline-changes").json()
    assert (changes["confirmed"], changes["still_estimated"]) == (1, 0)
    assert {(c["number"], c["old_deadline"], c["new_deadline"], c["changed_on"], c["misses_withdrawn"])
            for c in changes["changes"]} == {(ch.number, ch.old.isoformat(), ch.new.isoformat(), "2027-02-12",
                                              int(ch.withdrawn)) for ch in review.corrected}
    bulletin = client.get("/api/bulletin", params={"period": "2027-02"}).json()
    assert {u["name"]: u["overdue_open"] for u in bulletin["units"]} == {"区住建局": 1, "晴川街": 1, "区城管局": 0}
    # the office's page lists them in words; the ledger's footnote is gone, its link to the page stays
    listed = client.get("/office/deadline-changes").text
    assert all(ch.number in listed for ch in review.corrected) and "决策后5个工作日" in listed
    assert "working_days" not in listed and "2027-02-08" in listed and "2027-02-14" in listed
    ledger_page = client.get("/office/ledger").text
    assert "estimated-footnote" not in ledger_page and "/office/deadline-changes" in ledger_page
    history = client.get(f"/api/items/{ids['A']}/timeline").json()
    assert any("更正办理时限" in entry["what"] for entry in history)

    # and the watch that follows records the misses of the true deadlines, dated the day after them
    clock.set(date(2027, 2, 16))
    assert app.tick().deadlines_missed == 3  # A, B and F, due on the 14th
    missed = [e for e in app.store.events.get(ids["B"]) if type(e).__name__ == "DeadlineMissed"]
    assert [(e.deadline, e.happened_on) for e in missed] == [(date(2027, 2, 8), date(2027, 2, 9)),
                                                            (date(2027, 2, 14), date(2027, 2, 15))]
    assert server.caught_up_to(app.saved_position, timeout=10)
    assert _units_facts(client, world, "2027-02")["区城管局"] == {"deadline_missed": 1, "open_overdue": 1}

    # and the read models rebuilt from the events are the same, in one batch or in many small ones
    worker.stop()
    live = ReadSide(app.store, writer=False).dump()
    for batch_size in (5000, 3):
        rebuilt = ReadSide(app.store)
        rebuilt.rebuild(batch_size=batch_size)
        assert rebuilt.dump() == live, f"rebuild in batches of {batch_size}"


def test_the_watch_settles_an_estimated_deadline_before_judging_it(app, clock):
    """A load whose review did not reach a record (interrupted, or the record changed meanwhile): the
    next watch counts its deadline again first, and records no miss the true day disproves."""
    from builders import DistrictBuilder

    world = DistrictBuilder(app).units(A="区住建局").build()
    clock.set(FEB1)
    item_id = world.item(lead="A", sign=True, source=SourceKind.LEADER_INSTRUCTION, reference="批示1",
                         decision_date=FEB1, working_days=5)
    clock.set(date(2027, 2, 5))
    loaded = app.load_calendar(parse_schedule(SCHEDULE_2027), "国办发明电", deployment_actor("ops"),
                               candidates=lambda district: WatchCandidates([], [], []))  # reviews nothing
    assert loaded.review.settled == 0 and app.item(item_id, world.office).deadline_estimated
    clock.set(date(2027, 2, 9))  # past the guessed 8th, not the true 14th
    report = app.tick()
    assert (report.deadlines_settled, report.deadlines_missed) == (1, 0)
    item = app.item(item_id, world.office)
    assert (item.deadline, item.deadline_estimated, item.missed_deadlines) == (date(2027, 2, 14), False, [])
    assert app.tick().recorded == 0
    read_side = ReadSide(app.store)
    read_side.catch_up()
    from projections.deadline_changes import DeadlineChangeQueries

    (change,) = DeadlineChangeQueries(read_side.read_models).changes(world.district)
    assert (change.old_deadline, change.new_deadline, change.changed_on) == (
        date(2027, 2, 8), date(2027, 2, 14), date(2027, 2, 9))


def _events(app: Duban, record_id: UUID) -> list[str]:
    return [type(e).__name__ for e in app.store.events.get(record_id)]


def _units_facts(client, world, period: str) -> dict[str, dict[str, float]]:
    """Each unit's deadline-missed and still-overdue lines of the period's score, through the API."""
    found = {}
    for code, unit_id in world.unit_ids.items():
        explained = client.get(f"/api/ranking/{unit_id}", params={"period": period}).json()
        found[explained["unit_name"]] = {line["fact"]: line["count"] for line in explained["lines"]
                                         if line["fact"] in ("deadline_missed", "open_overdue")}
    return found
