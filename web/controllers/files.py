"""Evidence files (证明材料): downloading a record's files, and the JSON API's upload.

``GET /files/{record}/{sha256}`` (pages) and ``GET /api/files/{record}/{sha256}`` (the API) serve a
file a record names to whoever may read that record, by the same rules as the record's pages
(``Duban.evidence_file`` → ``readable_*``).  A file of a record one may not read, of a missing
record, or one the record does not name all answer the same 404.

``POST /api/files`` (multipart, field ``files``, one or more) judges the files by their content and
size exactly as a form's files are judged, stores them and answers their names, sizes, content types
and SHA-256; a later JSON command cites them as ``{"name": …, "sha256": …}``.  Uploading records
nothing: a file no command cites stays stored, unreferenced and unreadable.
"""

from __future__ import annotations

from functools import partial
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response
from msgspec import Struct

from domain.actor import Role
from domain.errors import InvalidInput
from domain.evidence import Upload
from domain.actor import Actor
from duban.application import Duban
from web.controllers.api import ERRORS
from web.controllers.api_answers import FileOut, file_out
from web.uploads import UPLOAD_ROUTE, evidence_response


class FilesController(Controller):
    path = "/files"

    @get("/{record_id:uuid}/{sha256:str}", sync_to_thread=True)
    def download(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], record_id: FromPath[UUID],
                 sha256: FromPath[str]) -> Response:
        """A file of a record (证明材料), to those who may read the record."""
        return evidence_response(*duban.evidence_file(record_id, sha256, actor))


class Uploaded(Struct):
    """The files stored (上传结果): cite each in a command as ``{"name": …, "sha256": …}``."""

    files: list[FileOut]


class FilesApiController(Controller):
    path = "/api/files"
    tags = ["证明材料"]

    @get("/{record_id:uuid}/{sha256:str}", sync_to_thread=True, responses=ERRORS, summary="下载证明材料")
    def download(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], record_id: FromPath[UUID],
                 sha256: FromPath[str]) -> Response:
        """A file of a record, with its content type and original name; 404 if the record is not
        readable by the caller, is missing, or does not name the file."""
        return evidence_response(*duban.evidence_file(record_id, sha256, actor))

    @post("/", status_code=201, responses=ERRORS, summary="上传证明材料",
          request_max_body_size=UPLOAD_ROUTE["request_max_body_size"],
          exception_handlers=UPLOAD_ROUTE["exception_handlers"])
    async def upload(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban]) -> Uploaded:
        """Multipart form data, field ``files`` (one or more files): photos (JPEG, PNG, HEIC, WebP),
        PDF, Word, Excel and WPS files, judged by their content; each within the file limit and all
        together within the step limit (``DUBAN_EVIDENCE_FILE_MB``, ``DUBAN_EVIDENCE_STEP_MB``).  Only
        the office and units upload."""
        actor.must_be(Role.OFFICE, Role.UNIT, doing="上传证明材料")  # before the body is read
        form = await request.form()
        chosen = [f for f in form.getall("files") if not isinstance(f, str) and f.filename] if "files" in form else []
        if not chosen:
            raise InvalidInput("evidence.no_files", "请选择要上传的文件（multipart/form-data，字段 files）。", field="files")
        uploads = [Upload(f.filename, await f.read()) for f in chosen]
        stored = await to_thread.run_sync(partial(duban.store_evidence, uploads, actor, field="files"))
        return Uploaded([file_out(f) for f in stored])


__all__ = ["FilesApiController", "FilesController"]
