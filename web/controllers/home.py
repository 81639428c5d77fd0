"""The landing page sends each user to their own start page."""

from litestar import Request, get
from litestar.response import Redirect

from domain.actor import Role
from web.auth import actor_of

HOMES = {Role.OFFICE: "/office", Role.ADMIN: "/admin", Role.UNIT: "/unit", Role.LEADER: "/leader",
         Role.DISCIPLINE: "/discipline", Role.DEPLOYMENT_ADMIN: "/platform"}


@get("/", sync_to_thread=False)
def home(request: Request) -> Redirect:
    return Redirect(HOMES.get(actor_of(request).role, "/login"))
