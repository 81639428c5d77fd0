"""督查室 page for bulletins (督查通报): choose a month, quarter or year and a scoring scheme, see the
figures the bulletin will print, download it as a Word document.  A past period's bulletin is built
from the as-of read models, so it can be produced again at any time with the same content."""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Response, Template

from documents.bulletin_docx import bulletin_document, bulletin_filename, bulletin_title, percent
from documents.official import DOCX
from domain.actor import Actor
from domain.errors import DomainError
from duban.application import Duban
from projections.behaviour import behaviour_summary
from projections.bulletin import BulletinFacts
from web.auth import OFFICE_AREA
from web.charts import number
from web.context import Reads, page, today
from web.downloads import download
from web.forms import NO_FORM, Form
from web.leader_reads import period_options, scheme_options


def last_complete_month(day: date) -> str:
    """The month before ``day``'s (in January, December of the year before): the last complete
    period, what a monthly bulletin is usually about."""
    previous = day.replace(day=1) - timedelta(days=1)
    return f"{previous.year}-{previous.month:02d}"


def _chosen(day: date, period: str | None, scheme: str | None) -> dict[str, str]:
    """The period and scheme asked for; by default the last complete month and the scheme in force then."""
    return {"period": (period or last_complete_month(day)).strip(), "scheme": (scheme or "").strip()}


class OfficeBulletinController(Controller):
    path = "/office"
    guards = [OFFICE_AREA]

    @staticmethod
    def _facts(duban: Duban, reads: Reads, actor: Actor, chosen: dict[str, str]) -> BulletinFacts:
        return reads.bulletins.bulletin(actor.district, duban.district(actor.district).name, chosen["period"],
                                        reads.scheme_versions.scheme(actor.district, chosen["scheme"], chosen["period"]),
                                        today(duban))

    @get("/bulletin", sync_to_thread=True, cache=True)
    def bulletin(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                 period: FromQuery[str | None] = None, scheme: FromQuery[str | None] = None) -> Template:
        day = today(duban)
        chosen = _chosen(day, period, scheme)
        choices = {"periods": period_options(day, chosen["period"]), "schemes": scheme_options(reads, actor.district),
                   "chosen": chosen,
                   "num": number}
        try:
            facts = self._facts(duban, reads, actor, chosen)
        except DomainError as error:
            return page("office/bulletin.html", actor, day, status_code=Form.status(error),
                        form=Form(chosen, action="bulletin").refused(error), facts=None, **choices)
        chosen["period"] = facts.period.label
        return page("office/bulletin.html", actor, day, form=NO_FORM, facts=facts, title=bulletin_title(facts),
                    behaviour_summary=behaviour_summary,
                    percent=percent, download_url=f"/office/bulletin.docx?period={facts.period.label}"
                                                  f"&scheme={facts.scheme.version}", **choices)

    @get("/bulletin.docx", sync_to_thread=True)
    def bulletin_docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                      period: FromQuery[str | None] = None, scheme: FromQuery[str | None] = None) -> Response:
        """The bulletin as a .docx; a bad period or scheme answers 422 with the reason."""
        facts = self._facts(duban, reads, actor, _chosen(today(duban), period, scheme))
        return download(bulletin_document(facts), bulletin_filename(facts), DOCX)
