"""Evidence files (证明材料) on their way into a record: checked, stored, then cited by the event.

A command that takes files (a unit's progress, completion and rectification reports and notice
replies; the office's findings and verifications) accepts, in ``attachments``:

- :class:`~domain.evidence.Upload` — a file as it arrived (a form's file field): judged by its
  content and size (``domain.evidence.check_uploads``) and stored before the command runs;
- :class:`~domain.evidence.EvidenceFile` — a file :meth:`EvidenceCommands.store_evidence` accepted
  and stored earlier;
- a mapping ``{"name": …, "sha256": …}`` — a file uploaded earlier cited by its hash (the JSON API):
  read back from the store and judged again by the same check, so a cited file is accepted on
  exactly the terms of an uploaded one.

Whatever the way in, the step's files together stay within the step's limit, and every file the
event records is in the store before the event is saved: an event never cites a missing file.  A
command refused after its files were stored leaves them stored and unreferenced (harmless).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Iterable, Sequence

import structlog

from domain.actor import Actor, Role
from domain.errors import InvalidInput
from domain.evidence import EvidenceFile, EvidenceLimits, Upload, check_step, check_uploads, file_name, is_sha256
from duban.application.base import Part
from duban.application.files import FileStore, open_file_store
from duban.settings import evidence_limits

log = structlog.get_logger("duban.evidence")
Attachment = Upload | EvidenceFile | Mapping


class EvidenceCommands(Part):
    """Storing evidence files and resolving the files a command cites."""

    @property
    def files(self) -> FileStore:
        """The file store beside the event store (opened on first use, closed with the application)."""
        store = self.__dict__.get("_files")
        if store is None:
            store = self.__dict__["_files"] = open_file_store(self.env)
            self.on_close(store.close)
        return store

    @property
    def evidence_limits(self) -> EvidenceLimits:
        """The size limits (``duban.settings.evidence_limits``; a test may set its own)."""
        limits = self.__dict__.get("_evidence_limits")
        if limits is None:
            limits = self.__dict__["_evidence_limits"] = evidence_limits()
        return limits

    @evidence_limits.setter
    def evidence_limits(self, limits: EvidenceLimits) -> None:
        self.__dict__["_evidence_limits"] = limits

    def store_evidence(self, uploads: Sequence[Upload], actor: Actor, *,
                       field: str = "attachments") -> list[EvidenceFile]:
        """上传证明材料: the files of one step, each judged by its content and size and all of them by
        the step's limit (every file refused is named at once), then stored by their SHA-256.
        Records no event: a later command cites the files (by hash, or passing what this answers)."""
        actor.must_be(Role.OFFICE, Role.UNIT, doing="上传证明材料")
        checked = check_uploads(uploads, self.evidence_limits, field=field)
        self._keep(list(zip(uploads, checked)), actor)
        return checked

    def _keep(self, accepted: list[tuple[Upload, EvidenceFile]], actor: Actor) -> None:
        """Store files already accepted (one log line)."""
        started = time.perf_counter()
        added = sum(self.files.put(f.sha256, u.content) for u, f in accepted)
        log.info("evidence_stored", district=actor.district, actor=actor.user, files=len(accepted), new=added,
                 bytes=sum(f.size for _, f in accepted), ms=round((time.perf_counter() - started) * 1000, 1))

    def _attachments(self, attachments: Iterable[Attachment] | None, actor: Actor,
                     field: str = "attachments") -> list[dict]:
        """The files a command will record (``attachments`` as the module says), every one of them
        stored by now; InvalidInput when one is refused, not stored, or the step is too large — then
        nothing new was stored."""
        given = list(attachments or [])
        if not given:
            return []
        uploads = [a for a in given if isinstance(a, Upload)]
        if uploads:
            actor.must_be(Role.OFFICE, Role.UNIT, doing="上传证明材料")
        accepted = dict(zip(map(id, uploads), check_uploads(uploads, self.evidence_limits, field=field))) \
            if uploads else {}
        files = []
        for a in given:
            if isinstance(a, Upload):
                files.append(accepted[id(a)])
            elif isinstance(a, EvidenceFile):
                files.append(self._still_stored(a, field))
            elif isinstance(a, Mapping):
                files.append(self._cited(a, field, len(files) + 1))
            else:
                raise InvalidInput("attachment.bad_value", f"第{len(files) + 1}个附件无效。", field=field)
        check_step(files, self.evidence_limits, field=field)
        if uploads:
            self._keep([(u, accepted[id(u)]) for u in uploads], actor)
        return [f.as_record() for f in files]

    def _still_stored(self, found: EvidenceFile, field: str) -> EvidenceFile:
        if self.files.size(found.sha256) is None:
            raise InvalidInput("attachment.not_stored", f"附件“{found.name}”没有上传文件，请重新选择文件上传。", field=field)
        return found

    def _cited(self, cited: Mapping, field: str, position: int) -> EvidenceFile:
        """A file uploaded earlier, cited by name and SHA-256, judged again from what is stored."""
        name = str(cited.get("name") or "").strip()
        if not name:
            raise InvalidInput("attachment.name_required", f"第{position}个附件缺少文件名。", field=field)
        sha256 = str(cited.get("sha256") or "").strip().lower()
        content = self.files.read(sha256) if is_sha256(sha256) else None
        if content is None:
            raise InvalidInput("attachment.not_stored",
                               f"附件“{name}”没有上传文件：请先上传文件，再以其SHA-256引用。", field=field)
        (checked,) = check_uploads([Upload(file_name(name, field), content)], self.evidence_limits, field=field)
        return checked


__all__ = ["Attachment", "EvidenceCommands"]
