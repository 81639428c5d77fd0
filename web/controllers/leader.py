"""Pages for the leaders (领导): the portfolio (分管单位), the composite ranking (综合排名) with its
explanation, overdue items, decisions waiting (待审批) and a read-only item page with the
decisions a leader takes (审批延期, 审批移交纪检监察, 约谈).

Who sees what: the district head (区长) every unit; a vice head (副区长) the units of their
portfolio that day (AB-role cover included) — ``Duban.visible_units``.  Records are loaded
through the ``readable_*`` functions, so another district's record answers 404 and a record
outside the portfolio 403.  Rankings are public to leaders: a vice head sees the whole
district's ranking and every unit's score lines, with their own units highlighted; the
titles of the records behind another unit's score, and links to them, are shown only for units
the leader may see.  Decisions are checked again by the service (leader in charge that day).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from domain.errors import DomainError, NotAllowed, NotFound
from domain.item import SupervisedItem
from domain.rectification import RectificationTask
import msgspec

from duban.commands.items import DecideExtension, DecideReferral, Interview
from duban.commands.rectifications import DecideRectificationReferral
from web.commands import form_command
from duban.application import Duban
from projections.ranking import Period
from web.auth import LEADER_AREA, actor_in
from web.charts import bar_chart, number
from web.context import Reads, done, page, reads_of, today, visible_page, visible_rows
from web.records import case_file
from web.forms import NO_FORM, Form, FormBody, FormState, seen_version
from web.leader_reads import (explain, in_sight, period_label, period_options, ranking_bars, referral_proposal,
                              scheme_options, trend_svg)


OPEN_ITEMS_SHOWN = 50  # the portfolio lists the open items with the nearest deadlines


def leader_actor(request: Request) -> Actor:
    return actor_in(request, Role.LEADER, doing="查看领导页面")


class LeaderController(Controller):
    path = "/leader"
    guards = [LEADER_AREA]

    # -- portfolio -----------------------------------------------------------------------------
    @get("/", sync_to_thread=True, cache=True)
    def portfolio_page(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        day = today(duban)
        sight = duban.visible_units(actor, day)
        mine = reads.leader_portfolios
        units = mine.units(actor.district, day, sight)
        open_items = visible_page(reads, actor, day, 1, per_page=OPEN_ITEMS_SHOWN, open_only=True, kinds=("item",),
                                  sort="deadline", units=sight)
        trend = mine.trend(actor.district, day, sight)
        return page("leader/portfolio.html", actor, day, post=mine.post(actor.district, actor.leader), units=units,
                    whole_district=sight is None, open_items=open_items.rows, open_total=open_items.total,
                    trend=trend, trend_chart=trend_svg(trend),
                    pending=len(mine.pending(actor.district, day, sight)))

    # -- ranking -------------------------------------------------------------------------------
    @get("/ranking", sync_to_thread=True, cache=True)
    def ranking(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                period: FromQuery[str | None] = None, scheme: FromQuery[str | None] = None) -> Template:
        day = today(duban)
        chosen = {"period": (period or str(day.year)).strip(), "scheme": (scheme or "").strip()}
        try:
            parsed = Period.parse(chosen["period"])
            rules = reads.scheme_versions.scheme(actor.district, chosen["scheme"], parsed)  # default: in force then
            scores = reads.rankings.ranking(actor.district, parsed, rules, as_of=day)
        except DomainError as error:
            return page("leader/ranking.html", actor, day, status_code=Form.status(error),
                        form=Form(chosen, action="ranking").refused(error), scores=None,
                        **self._ranking_choices(day, chosen, reads, actor.district))
        chosen["period"] = parsed.label  # 2026-q1 -> 2026-Q1; the scheme stays as asked (none: in force then)
        units = duban.visible_units(actor, day)
        return page("leader/ranking.html", actor, day, form=NO_FORM, scores=scores, scheme=rules,
                    period_name=period_label(parsed), chart=bar_chart(ranking_bars(scores, units), axis=float(rules.base),
                                                                      title=f"{period_label(parsed)}综合排名"),
                    mine={s.unit_id for s in scores if units is not None and in_sight(units, s.unit_id)},
                    whole_district=units is None,
                    query=f"period={parsed.label}&scheme={rules.version}",
                    **self._ranking_choices(day, chosen, reads, actor.district))

    @staticmethod
    def _ranking_choices(day, chosen: dict[str, str], reads: Reads, district: str) -> dict:
        return {"chosen": chosen, "periods": period_options(day, chosen["period"]),
                "schemes": scheme_options(reads, district), "num": number}

    @get("/ranking/{unit_id:uuid}", sync_to_thread=True, cache=True)
    def explanation(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                    unit_id: FromPath[UUID], period: FromQuery[str | None] = None,
                    scheme: FromQuery[str | None] = None) -> Template:
        day = today(duban)
        parsed = Period.parse(period or str(day.year))  # a bad choice: the error page (422)
        rules = reads.scheme_versions.scheme(actor.district, scheme, parsed)
        duban.unit(unit_id, actor)  # another district's or an unknown unit: 404
        if not in_sight(duban.visible_units(actor, day), unit_id):  # the API's read rule: the portfolio only
            raise NotAllowed("ranking.not_yours", "该单位不在您的查看范围内。")
        scores = reads.rankings.ranking(actor.district, parsed, rules, as_of=day)
        score = reads.rankings.explanation(actor.district, unit_id.hex, parsed, rules, as_of=day, ranked=scores)
        if score is None:
            raise NotFound("unit.not_found", "没有这个单位，或该单位不参加本期排名。")
        return page("leader/explanation.html", actor, day, score=score, scheme=rules, period_name=period_label(parsed),
                    lines=explain(reads, actor.district, score, rules),
                    count=len(scores), num=number, query=f"period={parsed.label}&scheme={rules.version}")

    # -- overdue and approvals -----------------------------------------------------------------
    @get("/overdue", sync_to_thread=True, cache=True)
    def overdue(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                unit: FromQuery[UUID | None] = None) -> Template:
        day = today(duban)
        filters = {"unit": unit} if unit else {}
        rows = visible_rows(reads, actor, day, open_only=True, overdue_only=True, sort="overdue", **filters)
        return page("leader/overdue.html", actor, day, rows=rows,
                    unit_name=reads.directory.unit_names(actor.district).get(unit, "") if unit else "")

    @get("/approvals", sync_to_thread=True, cache=True)
    def approvals(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        day = today(duban)
        return page("leader/approvals.html", actor, day,
                    pending=reads.leader_portfolios.pending(actor.district, day, duban.visible_units(actor, day)))

    # -- one item ------------------------------------------------------------------------------
    @get("/items/{item_id:uuid}", sync_to_thread=True, cache=True)
    def item(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID]) -> Template:
        return self._item_page(duban, reads, actor, item_id, NO_FORM)

    def _item_command(self, request: Request, duban: Duban, item_id: UUID, data: dict, action: str,
                      command: Callable[[Actor, SupervisedItem], str]) -> Template | Redirect:
        """A leader's form on an item: read access first (another district: 404; out of sight: 403),
        then the command, which answers the message to show; a refusal shows the page again with
        the reason beside the form and records nothing.  The command carries the version the page
        showed (the form's hidden ``version``) as its expected version: a decision taken on a page
        that someone else's change has overtaken is refused (409), never recorded."""
        actor = leader_actor(request)
        item = duban.readable_item(item_id, actor)
        form = Form(data, action=action)
        try:
            seen_version(form, item)
            message = command(actor, item)
        except DomainError as error:
            return self._item_page(duban, reads_of(request), actor, item_id, form.refused(error),
                                   status_code=Form.status(error))
        return done(f"/leader/items/{item_id.hex}", message)

    @post("/items/{item_id:uuid}/extension", sync_to_thread=True)
    def decide_extension(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                         data: FormBody) -> Template | Redirect:
        def command(actor: Actor, _item: SupervisedItem) -> str:
            decided = form_command(DecideExtension, data)
            if not decided.grant:  # a refusal sets no deadline, whatever the field held
                decided = msgspec.structs.replace(decided, new_deadline=None)
            duban.execute(decided, actor, item_id)
            return "已同意延期。" if decided.grant else "已不同意延期。"
        return self._item_command(request, duban, item_id, data, "extension", command)

    @post("/items/{item_id:uuid}/referral", sync_to_thread=True)
    def decide_referral(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                        data: FormBody) -> Template | Redirect:
        def command(actor: Actor, _item: SupervisedItem) -> str:
            decided = duban.execute(form_command(DecideReferral, data), actor, item_id)
            return "已同意移交纪检监察机关。" if decided.referral == "approved" else "已不同意移交。"
        return self._item_command(request, duban, item_id, data, "referral", command)

    @post("/items/{item_id:uuid}/interview", sync_to_thread=True)
    def interview(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                  data: FormBody) -> Template | Redirect:
        def command(actor: Actor, item: SupervisedItem) -> str:
            if not in_sight(duban.visible_units(actor), item.lead_unit):
                raise NotAllowed("leader.not_in_charge", "牵头单位不在您的分管范围内，不能登记约谈。")
            duban.execute(form_command(Interview, data, leader=actor.leader.hex if actor.leader else None),
                          actor, item_id)
            return "已登记约谈。"
        return self._item_command(request, duban, item_id, data, "interview", command)

    def _item_page(self, duban: Duban, reads: Reads, actor: Actor, item_id: UUID, form: FormState, *,
                   status_code: int = 200) -> Template:
        day = today(duban)
        item, notices = case_file(duban, reads, item_id, actor)
        names = reads.directory.unit_names(actor.district)
        records = {item.id: item.number_label, **{n.id: n.number_label for n in notices}}
        proposal = referral_proposal(duban, item.id) if item.referral == "proposed" else None
        post_ = reads.leader_portfolios.post(actor.district, actor.leader)
        return page("leader/item.html", actor, day, status_code=status_code, item=item, notices=notices,
                    names=names, records=records, entries=duban.history(records),
                    proposal=proposal, form=form, held_by=post_.portfolio_label if post_ else "",
                    may_interview=not item.status.is_closed and in_sight(duban.visible_units(actor, day),
                                                                          item.lead_unit))

    # -- one rectification task ----------------------------------------------------------------
    @get("/rectifications/{task_id:uuid}", sync_to_thread=True, cache=True)
    def rectification(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID]) -> Template:
        return self._rectification_page(duban, reads, actor, task_id, NO_FORM)

    @post("/rectifications/{task_id:uuid}/referral", sync_to_thread=True)
    def decide_rectification_referral(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
                                      data: FormBody) -> Template | Redirect:
        duban.readable_rectification(task_id, actor, readonly=True)
        form = Form(data, action="referral")
        try:
            decided = duban.execute(form_command(DecideRectificationReferral, data), actor, task_id)
            approve = decided.referral == "approved"
        except DomainError as error:
            return self._rectification_page(duban, reads, actor, task_id, form.refused(error),
                                            status_code=Form.status(error))
        return done(f"/leader/rectifications/{task_id.hex}", "已同意移交纪检监察机关。" if approve else "已不同意移交。")

    def _rectification_page(self, duban: Duban, reads: Reads, actor: Actor, task_id: UUID, form: FormState, *,
                            status_code: int = 200) -> Template:
        task: RectificationTask = duban.readable_rectification(task_id, actor)
        proposal = referral_proposal(duban, task.id) if task.referral == "proposed" else None
        return page("leader/rectification.html", actor, today(duban), status_code=status_code, task=task,
                    unit=reads.directory.unit_names(actor.district).get(task.unit, ""), proposal=proposal, form=form,
                    entries=duban.history([task.id]))
