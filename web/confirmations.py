"""Irreversible steps ask for confirmation (确认) before they are recorded.

办结销号, 整改销号, 通报批评, 提出移交纪检监察 and its approval, 终止办理 (the office accepting a
report that an item cannot be implemented) and adopting a scoring scheme or an escalation rule set
(采用新版本) cannot be taken back.  Their forms carry a checkbox named
``confirmed`` beside the sentence kept here; :func:`web.commands.form_command` refuses a post
without it (beside the checkbox, with the form's other problems), so nothing is recorded.  The one
list of such steps is :data:`CONFIRMATIONS`, keyed by the command class the form posts; the API
(JSON) is not asked: a program has no second thoughts to have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from domain.errors import InvalidInput
from duban.commands.base import Command
from duban.commands.items import (Criticise, DecideCannotImplement, DecideReferral, ProposeReferral,
                                  SignOffItem)
from duban.commands.rectifications import (CriticiseRectification, DecideRectificationReferral,
                                           ProposeRectificationReferral, SignOffRectification)
from duban.commands.schemes import AdoptSchemeVersion
from web.forms import Form

FIELD = "confirmed"
"""The checkbox's name: no command has a field of that name."""


def _yes(name: str) -> Callable[[dict[str, Any]], bool]:
    """Only when the form's decision ``name`` is yes (同意): refusing changes nothing for good."""
    return lambda posted: Form(posted).flag(name)


@dataclass(frozen=True)
class Confirmation:
    """The sentence the user ticks (``statement``), and when the step asks for it."""

    statement: str
    asked: Callable[[dict[str, Any]], bool] = lambda posted: True


CONFIRMATIONS: dict[type[Command], Confirmation] = {
    SignOffItem: Confirmation("我已核实以上情况，确认办结销号。"),
    SignOffRectification: Confirmation("我已核实整改情况，确认销号。"),
    Criticise: Confirmation("我已核实以上情况，确认通报批评。"),
    CriticiseRectification: Confirmation("我已核实以上情况，确认通报批评。"),
    ProposeReferral: Confirmation("我已核实以上情况，确认提出移交纪检监察。"),
    ProposeRectificationReferral: Confirmation("我已核实以上情况，确认提出移交纪检监察。"),
    DecideReferral: Confirmation("我已审阅移交理由，确认同意移交纪检监察。", _yes("approve")),
    DecideRectificationReferral: Confirmation("我已审阅移交理由，确认同意移交纪检监察。", _yes("approve")),
    DecideCannotImplement: Confirmation("我已核实不能办理的原因，确认同意终止办理（不同意时无需勾选）。",
                                        _yes("accept")),
    AdoptSchemeVersion: Confirmation("我已核对以上设置和预览结果，确认自生效日期起采用该版本。"),
}


def statement(command: str) -> str:
    """The sentence beside the checkbox of the form posting the command class named ``command``
    (a template global, so the page and the check cannot say different things)."""
    return next(c.statement for cls, c in CONFIRMATIONS.items() if cls.__name__ == command)


def unconfirmed(cls: type[Command], posted: dict[str, Any] | None) -> InvalidInput | None:
    """The refusal of a post of ``cls`` that asks for confirmation and was not confirmed."""
    confirmation = CONFIRMATIONS.get(cls)
    posted = posted or {}
    if confirmation is None or not confirmation.asked(posted) or Form(posted).flag(FIELD):
        return None
    return InvalidInput("form.not_confirmed", "此操作不可撤销，请核实后勾选确认，再提交。", field=FIELD)


__all__ = ["CONFIRMATIONS", "Confirmation", "FIELD", "statement", "unconfirmed"]
