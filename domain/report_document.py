"""A report the office owes (督查报告, 督查通报): drafted on schedule, edited by the office, issued.

The worker drafts each one at its period's end (周报 every working week, 月度通报, 季度通报, 半年检查报告,
全年总结); the office writes its own words into the draft — a foreword (前言), highlights (工作亮点)
and its comments (督查室意见) — as often as it likes, then issues it.  Issuing gives the document its
number in its own register (督报〔2026〕3号 for reports to the district head, 督通〔2026〕3号 for
bulletins) and freezes what it prints — the text and the figures as of the period's end — in the
event, so the Word file can be built again from that event alone, byte for byte.  An issued
document is never edited again.

One document per district, kind and period: its id derives from them (a worker that drafts again
after a restart finds it there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import require
from domain.labels import Labelled

FREE_TEXT_LIMIT = 4000  # characters in each free-text part


class ReportKind(Labelled):
    WEEKLY = "weekly", "督查工作周报"
    MONTHLY = "monthly", "月度督查通报"
    QUARTERLY = "quarterly", "季度督查通报"
    HALF_YEAR = "half_year", "半年督查工作情况报告"
    YEAR_END = "year_end", "全年督查工作总结"

    @property
    def register(self) -> str:
        """The number register: reports to the district head, or bulletins to the units."""
        return "bulletin" if self in (ReportKind.MONTHLY, ReportKind.QUARTERLY) else "report"


class ReportStatus(Labelled):
    DRAFT = "draft", "草稿"
    EDITED = "edited", "已修改"
    ISSUED = "issued", "已印发"


def report_number_label(register: str, year: int, number: int) -> str:
    """督报〔2026〕3号 (a report to the district head) or 督通〔2026〕3号 (a bulletin)."""
    return f"{'督通' if register == 'bulletin' else '督报'}〔{year}〕{number}号"


@dataclass(frozen=True)
class FreeText:
    """The office's own words in a report: 前言, 工作亮点, 督查室意见 (each may be empty)."""

    foreword: str = ""
    highlights: str = ""
    comments: str = ""

    def as_record(self) -> dict[str, str]:
        return {"foreword": self.foreword, "highlights": self.highlights, "comments": self.comments}


class ReportDocument(DistrictAggregate):
    label = "报告"

    @staticmethod
    def id_for(district: str, kind: str, period: str) -> UUID:
        return stable_id(district, "report", kind, period)

    @classmethod
    def draft(cls, *, district: str, kind: ReportKind, period: str, period_last: date, on: date,
              actor: Actor) -> "ReportDocument":
        """A draft of ``kind`` on ``period`` (2026-W38, 2026-03, 2026-Q1, 2026-H1, 2026), whose figures
        stand at ``period_last``: by the worker (system) or the office."""
        actor.must_be(Role.OFFICE, Role.SYSTEM, doing="起草督查报告")
        require(on >= period_last, "report.period_not_over",
                f"统计期间到{period_last.isoformat()}才结束，期末之后才能起草。", field="period")
        return cls(id=cls.id_for(district, kind.value, period), district=district, kind=kind.value,
                   period=period, period_last=period_last, on=on, actor=actor.as_record())

    @event("Drafted")
    def __init__(self, id: UUID, district: str, kind: str, period: str, period_last: date, on: date,
                 actor: dict) -> None:
        self.district = district
        self.kind = ReportKind(kind)
        self.period = period
        self.period_last = period_last
        self.drafted_on = on
        self.status = ReportStatus.DRAFT
        self.texts: dict[str, str] = FreeText().as_record()
        self.edits = 0
        self.number: int | None = None
        self.year: int | None = None
        self.number_label = ""
        self.issued_on: date | None = None
        self.issued_by = ""
        self.document: dict[str, Any] | None = None  # what it prints, frozen on issue

    @property
    def free_text(self) -> FreeText:
        return FreeText(**self.texts)

    @property
    def register(self) -> str:
        return self.kind.register

    def _not_issued(self, doing: str) -> None:
        require(self.status is not ReportStatus.ISSUED, "report.issued",
                f"该{self.kind.label}已印发（{self.number_label}），不能再{doing}。")

    def edit(self, texts: FreeText, on: date, actor: Actor) -> None:
        """The office writes its own words into the draft (each part replaces the one before)."""
        actor.must_be(Role.OFFICE, doing="修改督查报告")
        self._not_issued("修改")
        for name, value in texts.as_record().items():
            require(len(value) <= FREE_TEXT_LIMIT, "report.text_too_long",
                    f"每部分文字不超过{FREE_TEXT_LIMIT}字，现有{len(value)}字。", field=name)
        self._edited(**{k: v.strip() for k, v in texts.as_record().items()}, on=on, actor=actor.as_record())

    @event("Edited")
    def _edited(self, foreword: str, highlights: str, comments: str, on: date, actor: dict) -> None:
        self.texts = {"foreword": foreword, "highlights": highlights, "comments": comments}
        self.edits += 1
        self.status = ReportStatus.EDITED

    def issue(self, *, year: int, number: int, document: dict[str, Any], on: date, actor: Actor) -> None:
        """Issue it under ``number`` of its register for ``year``, freezing ``document`` (what it
        prints: ``documents.blocks.Blocks.as_record``)."""
        actor.must_be(Role.OFFICE, doing="印发督查报告")
        self._not_issued("印发")
        require(document.get("blocks"), "report.empty", "报告没有内容，不能印发。")
        self._issued(year=year, number=number, label=report_number_label(self.register, year, number),
                     document=document, on=on, actor=actor.as_record())

    @event("Issued")
    def _issued(self, year: int, number: int, label: str, document: dict, on: date, actor: dict) -> None:
        self.year, self.number, self.number_label = year, number, label
        self.document = document
        self.issued_on = on
        self.issued_by = actor.get("user", "")
        self.status = ReportStatus.ISSUED


__all__ = ["FreeText", "ReportDocument", "ReportKind", "ReportStatus", "report_number_label"]
