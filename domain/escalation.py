"""The escalation policy (督办升级): which step of the ladder an overdue case needs next.

催办 → 督办通知 → 通报批评 → 约谈 → 移交纪检监察 (EM art. 16, WR arts. 61-62).  The rules are a
versioned configuration; the same policy serves the office's queue, the backtest of a proposed
rule set, and automatic urging.  Referral is only ever recommended: it needs the office's
proposal and a leader's approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from domain.labels import Labelled
from domain.scheme_settings import check_escalation
from domain.versioned import read_version, versions

RULES = Path(__file__).resolve().parent / "escalation_rules"


class Step(Labelled):
    URGE = "urge", "催办"
    NOTICE = "notice", "督办通知"
    CRITICISE = "criticise", "通报批评"
    INTERVIEW = "interview", "约谈"
    REFERRAL = "referral", "移交纪检监察"


@dataclass(frozen=True)
class EscalationRules:
    version: str
    title: str
    urge_after_working_days: int
    urges_before_notice: int
    notice_after_working_days: int
    referral_after_working_days: int

    @classmethod
    def load(cls, version: str) -> "EscalationRules":
        data = check_escalation(read_version(RULES, version, rule="escalation.unknown_rules", what="升级规则",
                                             field="rules"))
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def rule_words(rule: str, rules: EscalationRules) -> str:
    """The rule an advice rests on, in the office's words (升级依据); the rule id stays in the API."""
    return {
        "urge.overdue": f"逾期满{rules.urge_after_working_days}个工作日，予以催办",
        "notice.urged_or_long_overdue": (f"催办满{rules.urges_before_notice}次或逾期满{rules.notice_after_working_days}"
                                         "个工作日，发督办通知"),
        "criticise.notice_reply_overdue": "督办通知逾期未回复，予以通报批评",
        "interview.criticised_still_overdue": "通报批评后仍未办结，予以约谈",
        "referral.interviewed_still_overdue": (f"约谈后逾期仍满{rules.referral_after_working_days}个工作日，"
                                               "建议移交纪检监察"),
    }.get(rule, "升级规则")


def available_rules() -> list[str]:
    return versions(RULES)


@dataclass(frozen=True)
class CaseFacts:
    """What the policy looks at for one open case (an item or a rectification task)."""

    kind: str  # item | rectification (one ladder for both)
    working_days_overdue: int
    urges: int = 0
    notices: int = 0
    notice_reply_overdue: bool = False
    criticisms: int = 0
    interviews: int = 0
    referral: str | None = None


@dataclass(frozen=True)
class Advice:
    step: Step
    rule: str
    evidence: str


def next_step(facts: CaseFacts, rules: EscalationRules) -> Advice | None:
    """The highest step whose rule holds and that has not been taken yet, or None."""
    overdue = facts.working_days_overdue
    said = [f"逾期{overdue}个工作日"] if overdue else []
    if facts.urges:
        said.append(f"已催办{facts.urges}次")
    if facts.notice_reply_overdue:
        said.append("督办通知逾期未回复")
    if facts.criticisms:
        said.append(f"已通报批评{facts.criticisms}次")
    if facts.interviews:
        said.append(f"已约谈{facts.interviews}次")
    evidence = "；".join(said)
    if overdue <= 0:
        return None
    if facts.interviews and overdue >= rules.referral_after_working_days and facts.referral not in ("proposed", "approved"):
        return Advice(Step.REFERRAL, "referral.interviewed_still_overdue", evidence)
    if facts.criticisms and not facts.interviews:
        return Advice(Step.INTERVIEW, "interview.criticised_still_overdue", evidence)
    if facts.notice_reply_overdue and not facts.criticisms:
        return Advice(Step.CRITICISE, "criticise.notice_reply_overdue", evidence)
    if not facts.notices and (facts.urges >= rules.urges_before_notice or overdue >= rules.notice_after_working_days):
        return Advice(Step.NOTICE, "notice.urged_or_long_overdue", evidence)
    if facts.urges < rules.urges_before_notice and overdue >= rules.urge_after_working_days and not facts.notices:
        return Advice(Step.URGE, "urge.overdue", evidence)
    return None
