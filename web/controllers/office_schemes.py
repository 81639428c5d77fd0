"""督查室 pages for the scoring schemes and escalation rule sets the office owns (评分方案、升级规则):
the versions (shipped with the system, and the office's with their date and reason); a new version
made from the one in force in a form — every weight, threshold and step beside the rule it
expresses — previewed on a past period side by side with the one in force, and adopted from a date
with a reason (confirmed).  Previewing records nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.escalation import EscalationRules
from domain.scheme_book import SchemeKind
from domain.scheme_settings import (ESCALATION_STEPS, INSPECTION_KINDS, SCORED_FACTS, SCORING_HEAD,
                                    check_escalation)
from duban.application import Duban
from duban.commands.schemes import AdoptSchemeVersion
from projections.backtest_comparison import STEPS, compare_rules
from projections.ranking import Scheme
from projections.scheme_versions import compare_schemes
from web.auth import OFFICE_AREA
from web.commands import form_command
from web.context import Reads, done, page, today
from web.controllers.office_bulletin import last_complete_month
from web.forms import Form, FormBody, FormState
from web.leader_reads import period_options

def _kind(value: str | None) -> SchemeKind:
    return SchemeKind.parse((value or "scoring").strip(), rule="scheme.kind", what="方案类别", field="kind")


def _fields(kind: SchemeKind) -> list[tuple[str, str]]:
    """The form's setting fields of ``kind`` and the rule each expresses, in order."""
    if kind is SchemeKind.ESCALATION:
        return list(ESCALATION_STEPS.items())
    return [*SCORING_HEAD.items(), *((f"points.{k}", w) for k, w in SCORED_FACTS.items()),
            *((f"inspection.{k}", w) for k, w in INSPECTION_KINDS.items())]


def _values_of(settings: dict[str, Any], kind: SchemeKind) -> dict[str, str]:
    """A version's settings as the form's values."""
    if kind is SchemeKind.ESCALATION:
        return {k: str(settings[k]) for k in ESCALATION_STEPS}
    values = {k: f"{settings[k]:g}" for k in SCORING_HEAD}
    values |= {f"points.{k}": f"{settings['points'].get(k, 0):g}" for k in SCORED_FACTS}
    values |= {f"inspection.{k}": f"{settings['inspection_points_per_point_below_100'].get(k, 0):g}"
               for k in INSPECTION_KINDS}
    return values


def _settings_of(values: dict[str, Any], kind: SchemeKind) -> dict[str, Any]:
    """The settings the form's values give (checked later, every problem at once)."""
    head = {"version": str(values.get("version") or "").strip(), "title": str(values.get("title") or "").strip()}
    if kind is SchemeKind.ESCALATION:
        return head | {k: str(values.get(k) or "") for k in ESCALATION_STEPS}
    return head | {k: str(values.get(k) or "") for k in SCORING_HEAD} | {
        "points": {k: str(values.get(f"points.{k}") or "") for k in SCORED_FACTS},
        "inspection_points_per_point_below_100": {k: str(values.get(f"inspection.{k}") or "")
                                                  for k in INSPECTION_KINDS}}


def _in_force(reads: Reads, district: str, kind: SchemeKind, day: date) -> tuple[dict[str, Any], str, str]:
    """The settings of the version in force on ``day``, its name and where it comes from."""
    versions = reads.scheme_versions
    if kind is SchemeKind.SCORING:
        scheme = versions.scheme_on(district, day)
        return scheme.as_settings(), scheme.version, scheme.source
    rules, source = versions.rules_for(district, day)
    return {k: getattr(rules, k) for k in EscalationRules.__dataclass_fields__}, rules.version, source


def _preview(reads: Reads, district: str, kind: SchemeKind, period: str, day: date, settings: dict[str, Any]):
    """The proposed version beside the one in force for ``period`` (scoring) or on ``day`` (escalation)."""
    if kind is SchemeKind.SCORING:
        proposed = Scheme.from_settings(settings, "拟议")
        current = reads.scheme_versions.scheme_for(district, period)
        return compare_schemes(reads.rankings, district, period, day, current, proposed)
    checked = check_escalation(settings)
    proposed = EscalationRules(**{k: checked[k] for k in EscalationRules.__dataclass_fields__})
    current, _ = reads.scheme_versions.rules_for(district, day)
    return compare_rules(reads.escalation, district, period, day, current, proposed)


class OfficeSchemesController(Controller):
    path = "/office/schemes"
    guards = [OFFICE_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def versions(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads]) -> Template:
        """Every version of both kinds: shipped, then the office's (newest effective first); the one in force today."""
        day = today(reads.app)
        kinds = []
        for kind in SchemeKind:
            _, name, source = _in_force(reads, actor.district, kind, day)
            kinds.append((kind, reads.scheme_versions.versions(actor.district, kind.value), f"{name}（{source}）"))
        return page("office/schemes.html", actor, day, kinds=kinds)

    def _form(self, reads: Reads, actor: Actor, kind: SchemeKind, values: dict[str, Any], *,
              error: DomainError | None = None, found=None) -> Template:
        day = today(reads.app)
        _, name, source = _in_force(reads, actor.district, kind, day)
        state = Form(values).refused(error) if error else FormState(values=values)
        return page("office/scheme_new.html", actor, day, status_code=Form.status(error) if error else 200,
                    form=state, kind=kind, fields=_fields(kind), current=f"{name}（{source}）",
                    periods=period_options(day, str(values.get("period") or "")), found=found, steps=STEPS)

    @get("/new", sync_to_thread=True, cache=True)
    def new(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], kind: FromQuery[str | None] = None) -> Template:
        """The form, prefilled from the version in force today."""
        chosen = _kind(kind)
        day = today(reads.app)
        settings, name, _ = _in_force(reads, actor.district, chosen, day)
        values = {"kind": chosen.value, "version": f"{day.year}-督查室-", "title": settings["title"],
                  "period": last_complete_month(day), **_values_of(settings, chosen)}
        return self._form(reads, actor, chosen, values)

    @post("/new", sync_to_thread=True)
    def submit(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               data: FormBody) -> Template | Redirect:
        """预览 (records nothing) or 采用 (with a reason, an effective date and the confirmation)."""
        actor.must_be(Role.OFFICE, doing="制定评分方案或升级规则")
        values = {k: (v[0] if isinstance(v, list) and v else v) for k, v in data.items() if k != "_csrf_token"}
        try:
            kind = _kind(values.get("kind"))
        except DomainError as error:
            return self._form(reads, actor, SchemeKind.SCORING, values, error=error)
        settings = _settings_of(values, kind)
        day = today(reads.app)
        if values.get("action") != "adopt":
            try:
                found = _preview(reads, actor.district, kind, str(values.get("period") or last_complete_month(day)),
                                 day, settings | {"version": settings["version"] or "拟议", "title": settings["title"]
                                                  or "拟议版本"})
            except DomainError as error:
                return self._form(reads, actor, kind, values, error=error)
            return self._form(reads, actor, kind, values, found=found)
        try:
            command = form_command(AdoptSchemeVersion, values, app=duban, actor=actor, kind=kind.value,
                                   settings=settings)
            checked = duban.execute(command, actor)
        except DomainError as error:
            return self._form(reads, actor, kind, values, error=error)
        return done("/office/schemes",
                    f"已采用{kind.label}“{checked['version']}”，自{command.effective_from.isoformat()}起施行。")


__all__ = ["OfficeSchemesController"]
