"""Which office actions (督查室操作) fit a rectification task at the moment, so a page offers only
what the rules would accept and what makes sense.

* 核验 only when the unit has reported the problem rectified (待核验);
* 销号 only after verification passed (核验通过);
* 回头看重新打开 only once signed off (已销号) — a signed-off task takes nothing else;
* 催办 while the task waits on the unit (已入账, 整改中); not while the office itself has to act;
* 通报批评 and 约谈 while the task is in the ledger (not signed off);
* 提出移交纪检监察 while in the ledger and no referral is pending or approved.
"""

from __future__ import annotations

from domain.labels import Labelled
from domain.rectification import RectificationStatus

WAITING_ON_UNIT = (RectificationStatus.RECORDED, RectificationStatus.RECTIFYING)


class RectificationAction(Labelled):
    VERIFY = "verify", "核验"
    SIGN_OFF = "sign_off", "销号"
    REOPEN = "reopen", "重新打开"
    URGE = "urge", "催办"
    CRITICISE = "criticise", "通报批评"
    INTERVIEW = "interview", "登记约谈"
    PROPOSE_REFERRAL = "propose_referral", "提出移交纪检监察"


def office_actions(status: RectificationStatus, referral: str | None) -> tuple[RectificationAction, ...]:
    """The office's actions on a task in ``status`` with ``referral`` (None, proposed, approved,
    declined), in the order a page shows them."""
    if status is RectificationStatus.SIGNED_OFF:
        return (RectificationAction.REOPEN,)
    offered: list[RectificationAction] = []
    if status is RectificationStatus.REPORTED:
        offered.append(RectificationAction.VERIFY)
    if status is RectificationStatus.VERIFIED:
        offered.append(RectificationAction.SIGN_OFF)
    if status in WAITING_ON_UNIT:
        offered.append(RectificationAction.URGE)
    offered += [RectificationAction.CRITICISE, RectificationAction.INTERVIEW]
    if referral not in ("proposed", "approved"):
        offered.append(RectificationAction.PROPOSE_REFERRAL)
    return tuple(offered)
