"""The referral dossier (移交材料) for the discipline body: the case and its full history."""

from __future__ import annotations

from dataclasses import dataclass

from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from projections.timeline import TimelineEntry, timeline


@dataclass(frozen=True)
class Dossier:
    number: str
    title: str
    source: str
    reference: str
    deadline: str
    status: str
    notices: tuple[str, ...]
    entries: tuple[TimelineEntry, ...]

    @property
    def actors(self) -> set[str]:
        return {e.actor for e in self.entries}


def referral_dossier(store, item: SupervisedItem, notices: list[SupervisionNotice]) -> Dossier:
    return Dossier(
        number=item.number_label, title=item.title, source=item.source.label, reference=item.reference,
        deadline=item.deadline.isoformat(), status=item.status.label,
        notices=tuple(n.number_label for n in notices),
        entries=tuple(timeline(store, [item.id, *(n.id for n in notices)])),
    )
