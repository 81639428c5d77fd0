# The duban web application.  Built by compose.yaml; serves on port 8000.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The wheel carries everything duban reads at run time (migrations, scoring schemes, escalation
# rules, templates, static files), so the image installs it like any package, not the tree.
COPY pyproject.toml README.md /src/
COPY domain /src/domain
COPY duban /src/duban
COPY projections /src/projections
COPY migrations /src/migrations
COPY web /src/web
COPY documents /src/documents
RUN pip wheel --no-deps -w /tmp/wheels /src && pip install /tmp/wheels/duban-*.whl \
    && rm -rf /src /tmp/wheels && useradd --system --home /app duban && mkdir -p /app/var && chown duban /app/var

USER duban
EXPOSE 8000
ENV DUBAN_HOST=0.0.0.0 DUBAN_PORT=8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# duban serve applies the read-model migrations and catches the read models up on start.
CMD ["duban", "serve"]
