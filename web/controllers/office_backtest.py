"""督查室 page for trying a proposed escalation rule set on the past (升级规则回测): choose a period and
the rule set in force, paste or upload the proposed one (TOML), and see both side by side — the
steps each would have recommended per unit and the records where they differ, each linked.
Nothing is recorded: the backtest only reads the ledger as it stood on each working day."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Template

from domain.actor import Actor, Role
from domain.errors import DomainError, InvalidInput
from domain.escalation import RULES, EscalationRules, available_rules
from domain.escalation_proposal import HIGHEST, MAX_BYTES, SETTINGS, proposed_rules, rules_file
from projections.backtest_comparison import STEPS, BacktestComparison, compare_rules
from web.auth import OFFICE_AREA
from web.context import Reads, page, today
from web.controllers.office import entry_link
from web.forms import Form, FormState
from web.leader_reads import period_options
from web.uploads import UPLOAD_ROUTE

TEMPLATE = "office/escalation_backtest.html"
FIELDS = ("period", "current", "proposed", "file", "title", *SETTINGS)
# the example the page offers: notices after two working days instead of five, referral after ten
STRICTER_EXAMPLE = {"title": "督办升级规则（拟议从严）", "urge_after_working_days": "1", "urges_before_notice": "2",
                    "notice_after_working_days": "2", "referral_after_working_days": "10"}


def rules_text(version: str) -> str:
    """The TOML file of a stored rule set, as the office would start a proposal from it."""
    return (RULES / f"{version}.toml").read_text(encoding="utf-8")


def backtest(reads: Reads, district: str, day: date, period: str, current: str | None,
             proposed: str, *, field: str = "proposed") -> BacktestComparison:
    """The rule set in force (``current``, default the newest) and the proposed TOML text over ``period``."""
    try:
        in_force = EscalationRules.load(current or available_rules()[-1])
    except InvalidInput as error:
        raise InvalidInput(error.rule, error.message, field="current") from None
    return compare_rules(reads.escalation, district, period, day, in_force, proposed_rules(proposed, field=field))


def _uploaded_text(value) -> str | None:
    """The text of an uploaded rule file (none chosen: None); refused when it is not UTF-8 text."""
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    value.file.seek(0)
    content = value.file.read(MAX_BYTES + 1)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("escalation.bad_proposal", "上传的升级规则文件应为UTF-8编码的文本文件（TOML格式）。",
                           field="file") from None


def _proposal(values: dict, uploaded: str | None) -> str | None:
    """The proposed rule file: an uploaded one, else the pasted text, else one made of the page's
    number fields; None when nothing was proposed (the page then shows only the form)."""
    if uploaded is not None:
        return uploaded
    pasted = str(values.get("proposed") or "").strip()
    if pasted:
        return pasted
    if not any(str(values.get(key) or "").strip() for key in SETTINGS):
        return None
    form = Form(values)
    settings = {key: form.integer(key, words, low=1, high=HIGHEST) for key, words in SETTINGS.items()}
    return rules_file(settings, str(values.get("title") or "").strip() or "拟议升级规则")


class OfficeBacktestController(Controller):
    path = "/office/escalation-backtest"
    guards = [OFFICE_AREA]

    @staticmethod
    def _page(reads: Reads, actor: Actor, day: date, values: dict, uploaded: str | None = None,
              refusal: DomainError | None = None) -> Template:
        current = str(values.get("current") or available_rules()[-1]).strip()
        period = str(values.get("period") or day.year).strip()
        in_force = EscalationRules.load(current if current in available_rules() else available_rules()[-1])
        shown = {"period": period, "current": current, "proposed": str(values.get("proposed") or ""),
                 "title": str(values.get("title") or "拟议升级规则"),
                 **{key: str(values.get(key) or getattr(in_force, key)) for key in SETTINGS}}
        context = {"periods": period_options(day, period), "rule_sets": [(v, f"{v} {EscalationRules.load(v).title}")
                                                                        for v in available_rules()],
                   "steps": STEPS, "link": entry_link, "settings": SETTINGS,
                   "example": "/office/escalation-backtest?" + urlencode({"period": str(day.year), **STRICTER_EXAMPLE})}

        def refused(error: DomainError) -> Template:
            return page(TEMPLATE, actor, day, status_code=Form.status(error), form=Form(shown).refused(error),
                        found=None, **context)

        if refusal is not None:
            return refused(refusal)
        try:
            proposal = _proposal(values, uploaded)
            found = None if proposal is None else backtest(reads, actor.district, day, period, current, proposal)
        except DomainError as error:
            return refused(error)
        return page(TEMPLATE, actor, day, form=FormState(values=shown), found=found, **context)

    @get("/", sync_to_thread=True, cache=True)
    def show(self, actor: NamedDependency[Actor], request: Request, reads: NamedDependency[Reads]) -> Template:
        """The form; with a proposal in the query (pasted text, or the number fields), the comparison too."""
        values = {k: request.query_params.get(k) for k in FIELDS if request.query_params.get(k) is not None}
        return self._page(reads, actor, today(reads.app), values)

    @post("/", sync_to_thread=True, **UPLOAD_ROUTE)
    def run(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], posted: NamedDependency[dict]) -> Template:
        """An uploaded, pasted or typed-in rule set (a file wins, then pasted text); records nothing."""
        actor.must_be(Role.OFFICE, doing="提交升级规则回测")
        day = today(reads.app)
        values = {k: v for k, v in posted.items() if k in FIELDS and not isinstance(v, (UploadFile, list))}
        try:
            uploaded = _uploaded_text(posted.get("file"))
        except DomainError as error:
            return self._page(reads, actor, day, values, refusal=error)
        return self._page(reads, actor, day, values, uploaded)
