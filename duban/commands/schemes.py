"""Commands on the office's scoring schemes and escalation rule sets (评分方案、升级规则)."""

from datetime import date
from typing import Annotated, Any

from msgspec import Meta

from domain.scheme_book import REASON_LIMIT, SchemeKind
from duban.commands.base import Command


class AdoptSchemeVersion(Command, kw_only=True, forbid_unknown_fields=True):
    """采用新版本 (office): ``settings`` (version, title and every weight, threshold and step, as in
    the shipped files) as a new version of ``kind`` from ``effective_from``, with a reason.  The
    settings, the name, the date and the reason are the rules' to judge, every problem at once
    (``checks``)."""

    handler = "adopt_scheme_version"
    checks = "adoption_problems"

    kind: Annotated[SchemeKind, Meta(title="方案类别")]
    settings: Annotated[dict[str, Any], Meta(title="方案设置")]
    effective_from: Annotated[date | None, Meta(title="生效日期")] = None
    reason: Annotated[str, Meta(title="采用理由", max_length=REASON_LIMIT)] = ""
