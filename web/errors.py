"""Domain errors as HTTP answers: structured JSON under /api, a Chinese page elsewhere.

400/422 bad input or a broken rule, 403 not allowed, 404 unknown (or another district's),
409 concurrent change.
"""

from __future__ import annotations

from litestar import Request, Response
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect, Template

from domain.errors import ConcurrentChange, DomainError, InvalidInput, NotAllowed, NotFound

STATUS = {InvalidInput: 422, NotAllowed: 403, NotFound: 404, ConcurrentChange: 409}


def status_of(error: DomainError) -> int:
    for cls, status in STATUS.items():
        if isinstance(error, cls):
            return status
    return 422  # a rule refused the command


def domain_error_handler(request: Request, error: DomainError) -> Response:
    status = status_of(error)
    if request.url.path.startswith("/api"):
        return Response({"error": error.as_dict()}, status_code=status)
    return Template("error.html", status_code=status, context={"error": error, "status": status})


def not_authorized_handler(request: Request, error: NotAuthorizedException) -> Response:
    if request.url.path.startswith("/api"):
        return Response({"error": {"rule": "auth.required", "message": "请先登录。", "field": None}}, status_code=401)
    return Redirect(f"/login?next={request.url.path}")
