"""The settings of a scoring scheme (绩效考核记分办法) and of an escalation rule set (督办升级规则),
checked by one code path whether they come from a file shipped with the package or from a version
the office adopts (``domain.scheme_book``): every required key present, numbers where numbers
belong, deductions for inspections not negative, the escalation thresholds in order.

Each setting carries the rule it expresses, in the office's words: the office's form shows it
beside the field, so a weight is never edited without its meaning.
"""

from __future__ import annotations

import re
from typing import Any

from domain.errors import Problems

# the facts a scoring scheme gives points for, with what one point of weight means (per occurrence)
SCORED_FACTS: dict[str, str] = {
    "completed_on_time": "每按期办结一件事项",
    "completed_late": "每逾期办结一件事项",
    "deadline_missed": "每有一件事项逾期未办结（逾期当日记）",
    "open_overdue": "期末每有一件事项仍逾期未办结",
    "report_missed": "每漏报一次月度进展",
    "urged": "每被催办一次",
    "notice_received": "每收到一份督办通知",
    "criticised": "每被通报批评一次",
    "interviewed": "每被约谈一次",
    "commended": "每获通报激励一次",
    "rectification_on_time": "每按期销号一项整改",
    "rectification_late": "每逾期销号一项整改",
    "verification_failed": "每有一次整改核验未通过",
    "reopened": "每有一项回头看重新打开",
    "inspection_problems": "督查每发现一个问题",
}
# the inspections whose scores deduct, per point below 100
INSPECTION_KINDS: dict[str, str] = {"special": "专项督查得分每低于100分一分", "unannounced": "暗访督查得分每低于100分一分"}
SCORING_HEAD: dict[str, str] = {
    "base": "基础分：每个单位的起点分",
    "interview_bottom": "排名最后若干名（且低于基础分）列为约谈对象",
}
# the escalation ladder's thresholds, in the order they apply
ESCALATION_STEPS: dict[str, str] = {
    "urge_after_working_days": "逾期满若干个工作日，予以催办",
    "urges_before_notice": "催办满若干次，发督办通知",
    "notice_after_working_days": "或逾期满若干个工作日，发督办通知",
    "referral_after_working_days": "约谈后逾期仍满若干个工作日，建议移交纪检监察",
}
VERSION_NAME = re.compile(r"[\w.-]{1,40}")
TITLE_LIMIT = 80


def _number(problems: Problems, data: dict, key: str, field: str, label: str, *, whole: bool = False,
            least: float | None = None) -> float | int | None:
    value = data.get(key)
    if isinstance(value, str):
        try:
            value = float(value.strip()) if value.strip() else None
        except ValueError:
            value = "bad"
    if value is None:
        problems.check(False, "scheme.missing", f"请填写“{label}”。", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.check(False, "scheme.not_a_number", f"“{label}”应为数字。", field=field)
        return None
    if whole and value != int(value):
        problems.check(False, "scheme.not_whole", f"“{label}”应为整数。", field=field)
        return None
    if least is not None and value < least:
        problems.check(False, "scheme.too_small", f"“{label}”不能小于{least:g}。", field=field)
        return None
    return int(value) if whole else float(value)


def _head(problems: Problems, data: dict) -> tuple[str, str]:
    version, title = str(data.get("version") or "").strip(), str(data.get("title") or "").strip()
    problems.check(VERSION_NAME.fullmatch(version), "scheme.version_name",
                   "版本名称应为1到40个字母、数字、汉字、点、横线或下划线。", field="version")
    problems.check(title and len(title) <= TITLE_LIMIT, "scheme.title", f"请填写标题（不超过{TITLE_LIMIT}字）。",
                   field="title")
    return version, title


def check_scoring(data: dict[str, Any]) -> dict[str, Any]:
    """A scoring scheme's settings, as numbers; every problem at once (InputProblems).  Points may
    be negative (a deduction); the inspection deductions and the number of interview candidates not."""
    problems = Problems()
    version, title = _head(problems, data)
    base = _number(problems, data, "base", "base", "基础分", least=0)
    bottom = _number(problems, data, "interview_bottom", "interview_bottom", "约谈对象名数", whole=True, least=0)
    points, inspection = data.get("points") or {}, data.get("inspection_points_per_point_below_100") or {}
    unknown = sorted(set(points) - set(SCORED_FACTS)) + sorted(set(inspection) - set(INSPECTION_KINDS))
    problems.check(not unknown, "scheme.unknown_fact", f"记分办法含未知事项：{'、'.join(unknown)}。", field="points")
    checked_points = {fact: _number(problems, points, fact, f"points.{fact}", words)
                      for fact, words in SCORED_FACTS.items()}
    checked_inspection = {kind: _number(problems, inspection, kind, f"inspection.{kind}", words, least=0)
                          for kind, words in INSPECTION_KINDS.items()}
    problems.raise_any()
    return {"version": version, "title": title, "base": base, "interview_bottom": bottom, "points": checked_points,
            "inspection_points_per_point_below_100": checked_inspection}


def check_escalation(data: dict[str, Any]) -> dict[str, Any]:
    """An escalation rule set's settings, as whole numbers of at least 1; the notice must come no
    sooner than the urging and the referral no sooner than the notice (every problem at once)."""
    problems = Problems()
    version, title = _head(problems, data)
    steps = {key: _number(problems, data, key, key, words, whole=True, least=1)
             for key, words in ESCALATION_STEPS.items()}
    if steps["urge_after_working_days"] is not None and steps["notice_after_working_days"] is not None:
        problems.check(steps["notice_after_working_days"] >= steps["urge_after_working_days"], "scheme.steps_order",
                       "发督办通知的逾期天数不能少于催办的逾期天数。", field="notice_after_working_days")
    if steps["notice_after_working_days"] is not None and steps["referral_after_working_days"] is not None:
        problems.check(steps["referral_after_working_days"] >= steps["notice_after_working_days"], "scheme.steps_order",
                       "建议移交的逾期天数不能少于发督办通知的逾期天数。", field="referral_after_working_days")
    problems.raise_any()
    return {"version": version, "title": title, **steps}


CHECKS = {"scoring": check_scoring, "escalation": check_escalation}

__all__ = ["CHECKS", "ESCALATION_STEPS", "INSPECTION_KINDS", "SCORED_FACTS", "SCORING_HEAD", "check_escalation",
           "check_scoring"]
