"""The records' histories and the referral dossier (办理过程、移交材料): application queries.

A history is read from the records' own events — the event store read one aggregate at a time,
never scanned — with each person named as pages and documents show them (name, unit or post;
never the account).  Pages, the API and documents ask these through the application
(``Duban.history``, ``Duban.referral_dossier``, ``Duban.verify_dossier``); read access to each record
is the caller's check (``Duban.readable_*``, ``Duban.case_file``) before asking.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable
from uuid import UUID

from domain.actor import Role
from domain.errors import DamagedRecord
from domain.item import SupervisedItem
from domain.leadership import Leader
from domain.notice import SupervisionNotice
from domain.organisation import Unit
from domain.users import UserAccount
from projections.dossier import Dossier, Verification, check_dossier, rectification_dossier, referral_dossier
from projections.timeline import SYSTEM_WORDS, TimelineEntry, timeline

PersonWords = Callable[[dict, date], str]  # (an event's actor record, the day) -> the person in words


class RecordHistories:
    """Histories over ``store``; ``find(kind, id)`` reads one aggregate (read-only), ``user(name)`` one account."""

    def __init__(self, store, find: Callable[[type, UUID], object | None],
                 user: Callable[[str], UserAccount | None]) -> None:
        self.store, self.find, self.user = store, find, user

    def history(self, record_ids: Iterable[UUID]) -> list[TimelineEntry]:
        """The records' history in plain Chinese (办理过程), from their own events, in business-date order."""
        return timeline(self.store, record_ids, self.person_words())

    def person_words(self) -> PersonWords:
        """Names the person an event's actor record stands for, as pages and documents show them:
        the display name and, in brackets, the unit (its name that day), the leader's post or the
        office; the system as 系统（自动记录）; never the account.  One namer serves one history:
        each account, unit and leader is read once however many entries name it."""
        read: dict[tuple[type, str], object] = {}

        def once(kind: type, key: str):
            if (kind, key) not in read:
                try:
                    read[kind, key] = self.user(key) if kind is UserAccount else self.find(kind, UUID(key))
                except DamagedRecord:  # a damaged account or unit: the history still reads, by role
                    read[kind, key] = None
            return read[kind, key]

        def who(actor: dict, day: date) -> str:
            role = actor.get("role")
            if not role or role == Role.SYSTEM.value:
                return SYSTEM_WORDS
            account = once(UserAccount, actor.get("user") or "")
            name = account.display_name if account is not None and account.display_name != account.username else ""
            where = Role(role).label
            if actor.get("unit"):
                unit = once(Unit, actor["unit"])
                where = unit.name_on(day) if unit is not None else where
            elif actor.get("leader"):
                leader = once(Leader, actor["leader"])
                where = leader.title.label if leader is not None else where
            return f"{name}（{where}）" if name and name != where else where

        return who

    def referral_dossier(self, item: SupervisedItem, notices: list[SupervisionNotice]) -> Dossier:
        """The referral dossier (移交材料) of a case and the notices about it."""
        return referral_dossier(self.store, item, notices, self.person_words())

    def rectification_dossier(self, task) -> Dossier:
        """The referral dossier (移交材料) of a referred rectification task."""
        return rectification_dossier(self.store, task, self.person_words())

    def check_dossier(self, item: SupervisedItem, notices: list[SupervisionNotice], code: str) -> Verification:
        """Whether ``code`` is the case's current verification code (校验码)."""
        return check_dossier(self.store, item, notices, code)


__all__ = ["RecordHistories", "PersonWords"]
