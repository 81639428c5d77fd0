"""Structured logs: one JSON object per line (structlog).

A line logged with ``exc_info`` carries the exception as data (``exception``: type, value and the
frames — file, line, function — of each exception in the chain), never as a block of text; the
frames' local variables are left out, as they may hold passwords or personal data."""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.tracebacks import ExceptionDictTransformer


def configure(level: str = "INFO", stream=None) -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,  # e.g. the web request's request_id
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False, max_frames=30)),
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.INFO)),
        logger_factory=structlog.PrintLoggerFactory(file=stream or sys.stderr),
        cache_logger_on_first_use=False,
    )
