"""The steps of the escalation ladder (督办问责) that items and rectification tasks share: what an
urging, a criticism, an interview and a referral to the discipline body take.  Each record's own
command (``duban.commands.items``, ``duban.commands.rectifications``) adds only its handler and, for
items, the unit it is aimed at."""

from typing import Annotated
from uuid import UUID

from msgspec import Meta

from duban.commands.base import VersionedCommand


class UrgeStep(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """催办."""

    note: Annotated[str, Meta(title="催办意见", max_length=4000)] = ""


class CriticismStep(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """通报批评: the rules refuse it without a reason, in their own words."""

    note: Annotated[str, Meta(title="通报事由", max_length=4000)]
    document: Annotated[str, Meta(title="通报文号", max_length=200)] = ""


class InterviewStep(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """约谈: who held it, whom, what was said; ``leader`` when a leader held it."""

    held_by: Annotated[str, Meta(title="约谈人", min_length=1, max_length=200)]
    interviewee: Annotated[str, Meta(title="被约谈人（职务）", min_length=1, max_length=200)]
    note: Annotated[str, Meta(title="约谈情况", max_length=4000)] = ""
    leader: Annotated[UUID | None, Meta(title="约谈领导")] = None


class ReferralProposal(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """提出移交纪检监察 (office)."""

    reasons: Annotated[str, Meta(title="移交理由", min_length=1, max_length=4000)]


class ReferralDecision(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审批移交纪检监察 (the leader in charge, or the district head)."""

    approve: Annotated[bool, Meta(title="审批结论")]
    note: Annotated[str, Meta(title="审批意见", max_length=4000)] = ""
