"""Forms that carry files (证明材料), and serving a record's files back.

A form with a file field posts ``multipart/form-data``; the same handler still takes a plain
url-encoded post (a form without files).  :func:`posted_form` reads either into the dict
:class:`web.forms.Form` reads, the files as litestar's ``UploadFile``; :func:`uploads` turns a file
field into :class:`~domain.evidence.Upload` values, which the command judges by content and size,
stores and cites (``duban.application.evidence``) — the one path the JSON API's uploads take too.

The routes that take files accept a body up to the step's limit plus room for the form
(:data:`UPLOAD_ROUTE`); a larger body is refused as it arrives (413) with a Chinese message, nothing
read or recorded.  :func:`evidence_response` serves a file with its sniffed content type, its
original (Chinese) name in ``Content-Disposition`` (RFC 5987 ``filename*``) and no caching by
shared caches; ``X-Content-Type-Options: nosniff`` and the strict CSP come with every answer
(``web.headers``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.response import Response, Template
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from domain.actor import Actor
from domain.errors import InvalidInput
from domain.evidence import PHOTOS, Upload, megabytes
from duban.settings import evidence_limits
from web.downloads import download
from web.errors import api_error, is_api
from web.forms import Form

FORM_ROOM = 1024 * 1024  # the form's other fields and the multipart framing
LIMITS = evidence_limits()  # as this process started (the body limit of a route is fixed when it is declared)
ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx,.wps,.et,.dps"  # what the file picker offers (a phone: the camera too)


async def posted_form(request: Request) -> dict[str, Any]:
    """The posted form, url-encoded or multipart: one value per field, a list where a field came
    several times (several files), files as ``UploadFile``."""
    form = await request.form()
    found: dict[str, Any] = {}
    for key in dict.fromkeys(form.keys()):
        values = form.getall(key)
        found[key] = values if len(values) > 1 else values[0]
    return found


def uploads(form: Form, name: str) -> list[Upload]:
    """The files chosen in the form's field ``name`` (none chosen: an empty list)."""
    return uploads_of(form.data, name)


def uploads_of(data: dict[str, Any], name: str) -> list[Upload]:
    """The files chosen in the posted field ``name`` (none chosen: an empty list)."""
    value = data.get(name)
    chosen = value if isinstance(value, list) else [value]
    found = []
    for item in chosen:
        if isinstance(item, UploadFile) and item.filename:
            item.file.seek(0)
            found.append(Upload(item.filename, item.file.read()))
    return found


def too_large(request: Request, error: HTTPException) -> Response:
    """A body over the step's limit, refused as it arrived: a Chinese page (or the API's shape)."""
    message = (f"上传的文件共超过每次报送{megabytes(LIMITS.step_bytes)}的上限（单个文件不超过"
               f"{megabytes(LIMITS.file_bytes)}），本次未保存任何内容。请分次报送或压缩后重新上传。")
    if is_api(request):
        return api_error(413, "evidence.step_too_large", message, "files")
    refusal = InvalidInput("evidence.step_too_large", message, field="attachments")
    return Template("error.html", status_code=413, context={"error": refusal, "status": 413})


# the options of every route that takes files: its body limit, the refusal over it, the form reader
UPLOAD_ROUTE: dict[str, Any] = {
    "request_max_body_size": LIMITS.step_bytes + FORM_ROOM,
    "exception_handlers": {HTTP_413_REQUEST_ENTITY_TOO_LARGE: too_large},
    "dependencies": {"posted": Provide(posted_form)},
}


def evidence_response(found: dict, content: bytes) -> Response:
    """A stored file as its record names it: photos shown in place, every other file downloaded."""
    content_type = str(found.get("content_type") or "application/octet-stream")
    answer = download(content, str(found.get("name") or "证明材料"), content_type,
                      inline=content_type in PHOTOS)
    answer.headers["Cache-Control"] = "private, no-cache"
    return answer


__all__ = ["ACCEPT", "LIMITS", "UPLOAD_ROUTE", "evidence_response", "posted_form", "too_large", "uploads"]


def too_large_page(request: Request, error: HTTPException, actor_of: Callable[[Request], Actor],
                   render: Callable[[Actor, date], Response]) -> Response:
    """An import upload over the limit (花名册、督办事项导入) is refused as it arrives, before its form (and
    its CSRF token) is read, nothing recorded: the page the user came from says why, with a form that
    can be sent again.  ``actor_of`` checks who may use the page (else the plain error answer)."""
    from litestar.exceptions import NotAuthorizedException
    from litestar.utils.scope.state import ScopeState

    from domain.errors import DomainError
    from web.context import reads_of, today
    from web.errors import http_error_handler

    try:
        actor = actor_of(request)
    except (DomainError, NotAuthorizedException):
        return http_error_handler(request, error)
    state = ScopeState.from_scope(request.scope)
    cookie = request.cookies.get(request.app.csrf_config.cookie_name) if request.app.csrf_config else None
    if cookie:
        state.csrf_token = cookie  # what a GET of the page would put in its form
    return render(actor, today(reads_of(request).app))


class WorkbookRefused(Exception):
    """An import's upload refused before it is read: the message for the page and its status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


async def uploaded_workbook(form: Any, what: str) -> bytes:
    """The bytes of the workbook posted in the field ``file`` of an import form (花名册、督办事项),
    or :class:`WorkbookRefused`: no file chosen (422), or over the import's size limit (413)."""
    from documents.item_import import FILE_TOO_LARGE, MAX_FILE_BYTES

    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise WorkbookRefused(f"请选择要导入的{what}（.xlsx）。", 422)
    content = await upload.read()
    if len(content) > MAX_FILE_BYTES:
        raise WorkbookRefused(FILE_TOO_LARGE, 413)
    return content
