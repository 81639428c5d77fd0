"""One's own account (我的账号), for every role: change one's password (修改密码).

The current password is asked again; on success every other session of the account ends and
this browser continues under a new session id.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from domain.actor import Actor
from domain.errors import DomainError
from duban.application import Duban
from duban.commands.accounts import ChangePassword
from web.auth import start_session
from web.commands import form_command
from web.context import done, page, today
from web.forms import NO_FORM, Form, FormBody

PASSWORD = "/account/password"


class AccountController(Controller):
    path = "/account"

    @get("/password", sync_to_thread=True)
    def password_page(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban]) -> Template:
        return page("account/password.html", actor, today(duban), form=NO_FORM)

    @post("/password", sync_to_thread=True)
    def change_password(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], data: FormBody) -> Template | Redirect:
        try:
            duban.execute(form_command(ChangePassword, data), actor)
        except DomainError as error:  # the typed passwords are not drawn again
            return page("account/password.html", actor, today(duban), status_code=Form.status(error),
                        form=Form({}, action="password").refused(error))
        start_session(request, actor.user)
        return done(PASSWORD, "密码已修改，您在其他地方的登录已退出。")
