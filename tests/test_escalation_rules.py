"""The escalation policy's rules (督办升级: 催办 → 督办通知 → 通报批评 → 约谈 → 移交纪检监察), given–when–then on
``domain.escalation.next_step`` alone (no store, no service): given what was done on an overdue case,
when the policy is asked, then the one step it advises, by which rule, with its evidence in words —
or nothing.  The thresholds come from the rule set, never from the code.

The office's queue, the backtest and the ladder's commands through the service (read models, a
rectification task climbing the whole ladder) stay in tests/test_escalation.py.
"""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import InvalidInput
from domain.escalation import CaseFacts, EscalationRules, Step, available_rules, next_step, rule_words
from domain_harness import creating

RULES = EscalationRules.load("2026-v1")  # 催办 after 1 working day, 督办通知 after 2 urges or 5 days, 移交 after 40


def advised(facts: CaseFacts, rules: EscalationRules = RULES) -> tuple[Step, str] | None:
    """When the policy is asked about ``facts``: the step and the rule it advises, or None."""
    advice = next_step(facts, rules)
    return None if advice is None else (advice.step, advice.rule)


# given what was done, then the step advised
@pytest.mark.parametrize("facts, step, rule", [
    (CaseFacts("item", 0), None, None),  # not late: nothing
    (CaseFacts("item", 0, urges=3, notices=1, notice_reply_overdue=True, criticisms=1), None, None),  # back on time
    (CaseFacts("item", 1), Step.URGE, "urge.overdue"),
    (CaseFacts("item", 2, urges=1), Step.URGE, "urge.overdue"),
    (CaseFacts("item", 3, urges=2), Step.NOTICE, "notice.urged_or_long_overdue"),  # urged twice
    (CaseFacts("item", 5), Step.NOTICE, "notice.urged_or_long_overdue"),  # five working days late, never urged
    (CaseFacts("item", 8, urges=2, notices=1), None, None),  # notice out, reply not yet overdue
    (CaseFacts("item", 9, urges=1, notices=1), None, None),  # a notice ends the urging
    (CaseFacts("item", 9, urges=2, notices=1, notice_reply_overdue=True), Step.CRITICISE, "criticise.notice_reply_overdue"),
    (CaseFacts("item", 12, notices=1, notice_reply_overdue=True, criticisms=1), Step.INTERVIEW,
     "interview.criticised_still_overdue"),
    (CaseFacts("item", 12, notices=1, criticisms=2), Step.INTERVIEW, "interview.criticised_still_overdue"),
    (CaseFacts("item", 39, notices=1, criticisms=1, interviews=1), None, None),  # interviewed once is enough
    (CaseFacts("item", 40, notices=1, criticisms=1, interviews=1), Step.REFERRAL, "referral.interviewed_still_overdue"),
    (CaseFacts("item", 60, notices=1, criticisms=1, interviews=1, referral="proposed"), None, None),
    (CaseFacts("item", 60, notices=1, criticisms=1, interviews=1, referral="approved"), None, None),
    (CaseFacts("item", 60, notices=1, criticisms=1, interviews=1, referral="declined"), Step.REFERRAL,
     "referral.interviewed_still_overdue"),  # a leader declined: the office may propose again
    # rectification tasks climb the same ladder
    (CaseFacts("rectification", 1), Step.URGE, "urge.overdue"),
    (CaseFacts("rectification", 6), Step.NOTICE, "notice.urged_or_long_overdue"),
    (CaseFacts("rectification", 9, notices=1), None, None),
    (CaseFacts("rectification", 9, notices=1, notice_reply_overdue=True), Step.CRITICISE,
     "criticise.notice_reply_overdue"),
    (CaseFacts("rectification", 45, notices=1, criticisms=1, interviews=1), Step.REFERRAL,
     "referral.interviewed_still_overdue"),
])
def test_the_policy_climbs_the_ladder_one_step_at_a_time(facts, step, rule):
    assert advised(facts) == ((step, rule) if step else None)


def test_the_thresholds_are_the_rule_sets():
    # given a stricter rule set: urge after 3 days, a notice after 1 urge or 4 days, refer after 10
    strict = dataclasses.replace(RULES, version="test", urge_after_working_days=3, urges_before_notice=1,
                                 notice_after_working_days=4, referral_after_working_days=10)
    assert advised(CaseFacts("item", 2), strict) is None  # (urged under 2026-v1)
    assert advised(CaseFacts("item", 3), strict) == (Step.URGE, "urge.overdue")
    assert advised(CaseFacts("item", 3, urges=1), strict) == (Step.NOTICE, "notice.urged_or_long_overdue")
    assert advised(CaseFacts("item", 4), strict) == (Step.NOTICE, "notice.urged_or_long_overdue")
    interviewed = CaseFacts("item", 10, notices=1, criticisms=1, interviews=1)
    assert advised(interviewed, strict) == (Step.REFERRAL, "referral.interviewed_still_overdue")
    assert advised(interviewed) is None  # 2026-v1 waits for 40 days


def test_the_evidence_says_why_in_plain_words():
    advice = next_step(CaseFacts("item", 9, urges=2, notices=1, notice_reply_overdue=True), RULES)
    assert advice.evidence == "逾期9个工作日；已催办2次；督办通知逾期未回复"
    advice = next_step(CaseFacts("item", 40, notices=1, criticisms=1, interviews=2), RULES)
    assert advice.evidence == "逾期40个工作日；已通报批评1次；已约谈2次"


def test_every_rule_the_policy_names_is_told_in_the_offices_words_with_its_thresholds():
    """The queue shows why in words (升级依据), never the rule id (that stays in the API)."""
    assert rule_words("notice.urged_or_long_overdue", RULES) == "催办满2次或逾期满5个工作日，发督办通知"
    assert rule_words("referral.interviewed_still_overdue", RULES) == "约谈后逾期仍满40个工作日，建议移交纪检监察"
    assert rule_words("urge.overdue", RULES) == "逾期满1个工作日，予以催办"
    for rule in ("criticise.notice_reply_overdue", "interview.criticised_still_overdue"):
        assert rule_words(rule, RULES) != "升级规则" and "." not in rule_words(rule, RULES)
    assert rule_words("no.such_rule", RULES) == "升级规则"


def test_the_shipped_rule_set_loads_and_an_unknown_version_is_refused():
    assert "2026-v1" in available_rules()
    assert (RULES.version, RULES.urge_after_working_days, RULES.urges_before_notice,
            RULES.notice_after_working_days, RULES.referral_after_working_days) == ("2026-v1", 1, 2, 5, 40)
    for version in ("2099-v9", "../scoring_schemes/2026-v1"):
        creating(lambda: EscalationRules.load(version)).refused("escalation.unknown_rules", InvalidInput, field="rules")
