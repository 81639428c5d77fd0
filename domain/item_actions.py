"""What the supervision office (督查室) may do with an item right now (可办理的操作).

A pure reading of the item's state that mirrors the checks of :mod:`domain.item` and
:mod:`domain.ladder` (and of the service's notice command): every action offered here is one
the domain accepts from the office with sensible input, and every action left out is one it
refuses.  ``tests/test_item_actions.py`` holds the two to each other, so the pages that offer
buttons cannot drift from the rules.
"""

from __future__ import annotations

from domain.item import ItemStatus, SupervisedItem
from domain.labels import Labelled


class ItemAction(Labelled):
    """An office command on one item; the value is also the last segment of its web route."""

    ASSIGN = "assign", "交办"
    SPLIT = "split", "分解子任务"
    SIGN_OFF = "sign-off", "办结销号"
    SEND_BACK = "send-back", "退回重办"
    CANNOT_IMPLEMENT = "cannot-implement", "审核不能办理的报告"
    EXTENSION = "extension", "审批延期申请"
    SATISFACTION = "satisfaction", "登记满意度测评"
    URGE = "urge", "催办"
    NOTICE = "notice", "下发督办通知"
    CRITICISE = "criticise", "通报批评"
    INTERVIEW = "interview", "登记约谈"
    REFERRAL = "referral", "提出移交纪检监察"
    COMMEND = "commend", "通报激励"

    @property
    def is_escalation(self) -> bool:
        """A step of the escalation ladder (催办 → 督办通知 → 通报批评 → 约谈 → 移交纪检监察)."""
        return self in LADDER


LADDER = frozenset({ItemAction.URGE, ItemAction.NOTICE, ItemAction.CRITICISE, ItemAction.INTERVIEW,
                    ItemAction.REFERRAL})


def office_actions(item: SupervisedItem) -> list[ItemAction]:
    """The office's actions the rules allow on ``item`` now, in the order of :class:`ItemAction`.

    * 已登记: only 交办;
    * open and assigned (待签收, 办理中, 待核验, 申请不能办理): 分解子任务 and the whole escalation
      ladder — 催办, 督办通知 (to an assigned unit), 通报批评, 约谈, 移交 unless already proposed or
      approved — and 通报激励;
    * 待核验: also 办结销号 and 退回重办; 申请不能办理: also the decision on it;
    * open with a pending extension request: its decision; a formal reply awaiting the
      proposer's rating (建议提案): the rating;
    * closed (已办结销号, 终止办理): only 通报激励 (good work is commended after the fact too).
    """
    status = item.status
    if status is ItemStatus.REGISTERED:
        return [ItemAction.ASSIGN]
    allowed = {ItemAction.COMMEND}  # commend needs an assigned unit, open or closed
    if not status.is_closed:
        allowed |= {ItemAction.SPLIT, ItemAction.URGE, ItemAction.NOTICE, ItemAction.CRITICISE,
                    ItemAction.INTERVIEW}
        if item.referral not in ("proposed", "approved"):
            allowed.add(ItemAction.REFERRAL)
        if status is ItemStatus.COMPLETION_REPORTED:
            allowed |= {ItemAction.SIGN_OFF, ItemAction.SEND_BACK}
        if status is ItemStatus.CANNOT_IMPLEMENT_REPORTED:
            allowed.add(ItemAction.CANNOT_IMPLEMENT)
        if item.pending_extension is not None:
            allowed.add(ItemAction.EXTENSION)
        if item.formal_reply is not None and item.formal_reply.get("satisfaction") is None:
            allowed.add(ItemAction.SATISFACTION)
    return [action for action in ItemAction if action in allowed]


__all__ = ["ItemAction", "LADDER", "office_actions"]
