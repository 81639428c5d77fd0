"""Behaviour analytics (办理行为分析): per unit and period, read from ``rm_behaviour`` in SQL, always
within one district (and, for a leader, the units of their portfolio):

* 签收用时 — working days from assignment to signing for (lead and co-units alike);
* 各状态停留 — working days records spent in each state (counted for the lead unit);
* 月末报送 — the share of progress reports sent on the last working day of their month (or later);
* 延期申请 — extensions asked for, and per item the unit leads;
* 退回 — completions sent back;
* 督办通知回复用时 — working days from a notice's issue to each task's reply;
* 临期突击 — progress that rose by at least ``rise`` points within the last ``days`` working days
  before the deadline (both configurable).

Working days come from ``rm_workdays`` (ordinal differences), so they follow the loaded calendar.
Each figure lists the records behind it (:meth:`BehaviourQueries.records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.item import ItemStatus
from domain.rectification import RectificationStatus
from projections.ranking import Period

DEFAULT_RISE = 50  # percentage points
DEFAULT_DAYS = 5  # working days before the deadline
MEASURES = {"sign_for": "签收", "state": "状态停留", "progress": "进展报送", "extension": "延期申请",
            "send_back": "退回", "notice_reply": "督办通知回复", "jump": "临期突击"}


def state_label(status: str | None) -> str:
    for kind in (ItemStatus, RectificationStatus):
        try:
            return kind(status).label
        except ValueError:
            continue
    return "其他"


@dataclass
class UnitBehaviour:
    unit_id: str
    name: str
    sign_fors: int = 0
    sign_for_days: float | None = None
    reports: int = 0
    last_day_reports: int = 0
    items: int = 0
    extensions: int = 0
    send_backs: int = 0
    notice_replies: int = 0
    notice_reply_days: float | None = None
    jumps: int = 0
    state_days: dict[str, float] = field(default_factory=dict)  # status -> average working days

    @property
    def last_day_share(self) -> float | None:
        return self.last_day_reports / self.reports if self.reports else None

    @property
    def extensions_per_item(self) -> float | None:
        return self.extensions / self.items if self.items else None


@dataclass(frozen=True)
class BehaviourRecord:
    """One fact behind a figure: the record, what happened and when."""

    measure: str
    entry_id: str
    kind: str
    number: str
    title: str
    unit: str
    happened_on: date
    started_on: date | None
    working_days: int | None
    status: str | None
    amount: int
    previous: int | None
    deadline: date | None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class BehaviourQueries:
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    @staticmethod
    def _where(district: str, period: Period, units: frozenset[str] | None, measure: str) -> tuple[str, list]:
        clause = "b.district = ? AND b.measure = ? AND b.happened_on >= ? AND b.happened_on <= ?"
        params: list = [district, measure, period.first.isoformat(), period.last.isoformat()]
        if units is not None:
            clause += f" AND b.unit_id IN ({', '.join('?' for _ in units) or 'NULL'})"
            params += sorted(units)
        return clause, params

    def units(self, district: str, period: str | Period, *, units: frozenset[str] | None = None,
              rise: int = DEFAULT_RISE, days: int = DEFAULT_DAYS) -> list[UnitBehaviour]:
        """Every unit with a fact in the period (or in ``units``), by name."""
        chosen = period if isinstance(period, Period) else Period.parse(period)
        found: dict[str, UnitBehaviour] = {}
        with self.read_models.reading() as sql:
            names = {r["unit_id"]: r["name"] for r in sql.execute(
                "SELECT unit_id, name FROM rm_units WHERE district = ?", (district,)).rows()}

            def unit(unit_id: str) -> UnitBehaviour:
                return found.setdefault(unit_id, UnitBehaviour(unit_id, names.get(unit_id, "")))

            for measure, target in (("sign_for", "sign_for"), ("notice_reply", "notice_reply")):
                where, params = self._where(district, chosen, units, measure)
                for r in sql.execute(
                        "SELECT b.unit_id, COUNT(*) AS n, AVG(w2.ordinal - w1.ordinal) AS wd FROM rm_behaviour b"
                        " JOIN rm_workdays w1 ON w1.day = b.started_on JOIN rm_workdays w2 ON w2.day = b.happened_on"
                        f" WHERE {where} GROUP BY b.unit_id", params).rows():
                    u = unit(r["unit_id"])
                    setattr(u, f"{target}s" if target == "sign_for" else "notice_replies", r["n"])
                    setattr(u, f"{target}_days", round(float(r["wd"]), 1))
            where, params = self._where(district, chosen, units, "state")
            for r in sql.execute(
                    "SELECT b.unit_id, b.status, AVG(w2.ordinal - w1.ordinal) AS wd FROM rm_behaviour b"
                    " JOIN rm_workdays w1 ON w1.day = b.started_on JOIN rm_workdays w2 ON w2.day = b.happened_on"
                    f" WHERE {where} GROUP BY b.unit_id, b.status", params).rows():
                unit(r["unit_id"]).state_days[r["status"]] = round(float(r["wd"]), 1)
            where, params = self._where(district, chosen, units, "progress")
            for r in sql.execute(
                    "SELECT b.unit_id, COUNT(*) AS n, SUM(CASE WHEN b.happened_on >= m.last THEN 1 ELSE 0 END) AS late"
                    " FROM rm_behaviour b JOIN (SELECT substr(day, 1, 7) AS month, MAX(day) AS last FROM rm_workdays"
                    " WHERE workday = 1 AND day >= ? AND day <= ? GROUP BY substr(day, 1, 7)) m"
                    f" ON m.month = substr(b.happened_on, 1, 7) WHERE {where} GROUP BY b.unit_id",
                    [chosen.first.isoformat(), chosen.last.isoformat(), *params]).rows():
                u = unit(r["unit_id"])
                u.reports, u.last_day_reports = r["n"], int(r["late"] or 0)
            for measure, target in (("extension", "extensions"), ("send_back", "send_backs")):
                where, params = self._where(district, chosen, units, measure)
                for r in sql.execute(f"SELECT b.unit_id, COUNT(*) AS n FROM rm_behaviour b WHERE {where}"
                                     " GROUP BY b.unit_id", params).rows():
                    setattr(unit(r["unit_id"]), target, r["n"])
            where, params = self._where(district, chosen, units, "assigned")
            where = where.replace("b.happened_on >= ? AND ", "", 1)
            params = params[:2] + params[3:]
            for r in sql.execute(f"SELECT b.unit_id, COUNT(DISTINCT b.entry_id) AS n FROM rm_behaviour b WHERE {where}"
                                 " AND b.status = 'lead' GROUP BY b.unit_id", params).rows():
                if r["unit_id"] in found:
                    found[r["unit_id"]].items = r["n"]
            for r in self._jump_rows(sql, district, chosen, units, rise, days):
                unit(r["unit_id"]).jumps += 1
        return sorted(found.values(), key=lambda u: u.name)

    def _jump_rows(self, sql, district: str, period: Period, units, rise: int, days: int) -> list[dict]:
        where, params = self._where(district, period, units, "progress")
        return sql.execute(
            "SELECT b.* FROM rm_behaviour b JOIN rm_workdays w1 ON w1.day = b.happened_on"
            " JOIN rm_workdays w2 ON w2.day = b.deadline"
            f" WHERE {where} AND b.amount - COALESCE(b.previous, 0) >= ? AND b.happened_on <= b.deadline"
            " AND w2.ordinal - w1.ordinal < ? ORDER BY b.happened_on, b.notification_id",
            [*params, rise, days]).rows()

    def records(self, district: str, period: str | Period, unit_id: str, measure: str, *,
                rise: int = DEFAULT_RISE, days: int = DEFAULT_DAYS, limit: int = 200) -> list[BehaviourRecord]:
        """The facts behind one unit's figure (``measure`` one of :data:`MEASURES`), oldest first."""
        chosen = period if isinstance(period, Period) else Period.parse(period)
        units = frozenset({unit_id})
        with self.read_models.reading() as sql:
            if measure == "jump":
                rows = self._jump_rows(sql, district, chosen, units, rise, days)[:limit]
            else:
                where, params = self._where(district, chosen, units, measure)
                rows = sql.execute(f"SELECT b.* FROM rm_behaviour b WHERE {where}"
                                   " ORDER BY b.happened_on, b.notification_id LIMIT ?", [*params, limit]).rows()
            ids = sorted({r["entry_id"] for r in rows})
            entries = {r["entry_id"]: r for r in sql.execute(
                f"SELECT entry_id, number, title FROM rm_ledger WHERE district = ? AND entry_id IN"
                f" ({', '.join('?' for _ in ids) or 'NULL'})", [district, *ids]).rows()} if ids else {}
            ordinals = self._ordinals(sql, {d for r in rows for d in (r["started_on"], r["happened_on"]) if d})
            name = sql.execute("SELECT name FROM rm_units WHERE unit_id = ? AND district = ?",
                               (unit_id, district)).row()
        found = []
        for r in rows:
            entry = entries.get(r["entry_id"], {})
            span = (ordinals[r["happened_on"]] - ordinals[r["started_on"]]) if r["started_on"] else None
            found.append(BehaviourRecord(measure, r["entry_id"], r["kind"], entry.get("number", ""), entry.get("title", ""),
                                         name["name"] if name else "", _day(r["happened_on"]), _day(r["started_on"]),
                                         span, r["status"], r["amount"], r["previous"], _day(r["deadline"])))
        return found

    @staticmethod
    def _ordinals(sql, days: set[str]) -> dict[str, int]:
        if not days:
            return {}
        listed = sorted(days)
        return {r["day"]: r["ordinal"] for r in sql.execute(
            f"SELECT day, ordinal FROM rm_workdays WHERE day IN ({', '.join('?' for _ in listed)})", listed).rows()}


def behaviour_summary(units: list[UnitBehaviour], *, rise: int = DEFAULT_RISE, days: int = DEFAULT_DAYS) -> list[str]:
    """The bulletin's short section on how units worked (办理行为), in sentences."""
    said = []
    signing = [u for u in units if u.sign_fors and u.sign_for_days is not None]
    if signing:
        total = sum(u.sign_fors for u in signing)
        average = sum(u.sign_fors * u.sign_for_days for u in signing) / total
        slowest = max(signing, key=lambda u: (u.sign_for_days, u.name))
        said.append(f"本期签收事项{total}件次，平均签收用时{average:.1f}个工作日，用时最长的是{slowest.name}"
                    f"（平均{slowest.sign_for_days:g}个工作日）。")
    reports, late = sum(u.reports for u in units), sum(u.last_day_reports for u in units)
    if reports:
        said.append(f"报送办理进展{reports}次，其中在当月最后一个工作日报送{late}次（占{round(100 * late / reports)}%）。")
    replies = [u for u in units if u.notice_replies and u.notice_reply_days is not None]
    reply_words = ""
    if replies:
        count = sum(u.notice_replies for u in replies)
        reply_words = (f"；回复督办通知{count}次，平均用时"
                       f"{sum(u.notice_replies * u.notice_reply_days for u in replies) / count:.1f}个工作日")
    said.append(f"申请延期{sum(u.extensions for u in units)}次，报办结被退回{sum(u.send_backs for u in units)}次"
                f"{reply_words}。")
    jumpers = sorted((u for u in units if u.jumps), key=lambda u: (-u.jumps, u.name))
    rule = f"办理时限前最后{days}个工作日内进度一次上升{rise}个百分点以上"
    said.append(f"{rule}的“临期突击”共{sum(u.jumps for u in jumpers)}次：" + "、".join(
        f"{u.name}{u.jumps}次" for u in jumpers) + "。" if jumpers else f"未发现{rule}的“临期突击”。")
    return said
