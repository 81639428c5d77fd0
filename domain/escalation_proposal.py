"""A proposed escalation rule set (拟议升级规则), pasted or uploaded as a TOML file in the layout of
``domain/escalation_rules/*.toml``, checked before it is tried on the past: every problem is
said at once, in Chinese, naming the setting by its meaning; the rule ids stay in the API."""

from __future__ import annotations

import json
import re
import tomllib

from domain.errors import InvalidInput
from domain.escalation import EscalationRules

MAX_BYTES = 20_000  # a rule set is a dozen lines; anything bigger is not one
SETTINGS = {  # the whole-number settings, each with its meaning
    "urge_after_working_days": "逾期几个工作日予以催办",
    "urges_before_notice": "催办几次后发督办通知",
    "notice_after_working_days": "逾期几个工作日发督办通知",
    "referral_after_working_days": "约谈后逾期几个工作日建议移交纪检监察",
}
TEXTS = {"version": "版本号", "title": "名称"}
HIGHEST = 250  # a year of working days


def proposed_rules(text: str, *, field: str = "proposed") -> EscalationRules:
    """The rule set ``text`` describes; refused (``escalation.bad_proposal``) with every problem."""
    if not text or not text.strip():
        raise InvalidInput("escalation.bad_proposal", "请粘贴或上传拟议的升级规则文件（TOML格式）。", field=field)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise InvalidInput("escalation.bad_proposal", f"升级规则文件过大（不超过{MAX_BYTES // 1000}KB），请检查是否选错了文件。",
                           field=field)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"line (\d+), column (\d+)", str(error))
        place = f"第{where[1]}行第{where[2]}列附近" if where else ""
        raise InvalidInput("escalation.bad_proposal", f"升级规则文件格式有误（{place}不符合TOML格式），"
                           "请对照现行规则文件的写法修改。", field=field) from None
    problems = []
    for key, words in SETTINGS.items():
        meaning = f"{words}（{key}）"
        value = data.get(key)
        if key not in data:
            problems.append(f"缺少“{meaning}”")
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"“{meaning}”应为整数")
        elif not 1 <= value <= HIGHEST:
            problems.append(f"“{meaning}”应在1至{HIGHEST}之间，现为{value}")
    for key, words in TEXTS.items():
        meaning = f"{words}（{key}）"
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problems.append(f"“{meaning}”应为非空文字")
    unknown = sorted(set(data) - set(SETTINGS) - set(TEXTS))
    if unknown:
        problems.append(f"含未知设置：{'、'.join(unknown)}")
    if problems:
        raise InvalidInput("escalation.bad_proposal", "升级规则文件有误：" + "；".join(problems) + "。", field=field)
    return EscalationRules(version=str(data.get("version", "拟议")).strip(),
                           title=str(data.get("title", "拟议升级规则")).strip(),
                           **{key: data[key] for key in SETTINGS})


def rules_file(settings: dict[str, int], title: str = "拟议升级规则") -> str:
    """A rule-set file holding ``settings`` (the page's number fields), as :func:`proposed_rules` reads it."""
    lines = [f"title = {json.dumps(title, ensure_ascii=False)}"] + [f"{key} = {int(settings[key])}" for key in SETTINGS]
    return "\n".join(lines) + "\n"
