"""Commands on the office's reports and bulletins (督查报告, 督查通报): a draft's own words, and issuing it."""

from typing import Annotated

from msgspec import Meta

from duban.commands.base import VersionedCommand


class EditReport(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """修改报告草稿 (office): its 前言, 工作亮点 and 督查室意见 (each may be empty)."""

    handler = "edit_report"

    foreword: Annotated[str, Meta(title="前言", max_length=4000)] = ""
    highlights: Annotated[str, Meta(title="工作亮点", max_length=4000)] = ""
    comments: Annotated[str, Meta(title="督查室意见", max_length=4000)] = ""


class IssueReport(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """印发 (office): numbered in its register, what it prints frozen."""

    handler = "issue_report"
