# syntax=docker/dockerfile:1.7
# The backend with the staff dashboard and web chat relay (target `backend`) and the
# Telegram gateway (target `telegram`), on Python 3.11 with requirements/services.lock.
# Build from the repository root; deploy/services.Dockerfile.dockerignore lists what may
# be copied.
FROM python:3.11-slim AS base
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY requirements/services.lock requirements/services.lock
RUN pip install --no-cache-dir -r requirements/services.lock
COPY bot/__init__.py bot/case_documents.py bot/contract.py bot/secret_checks.py bot/typed_text.py bot/
COPY bot/directory bot/directory
COPY data/directory data/directory
ENV PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

FROM base AS backend
COPY bot/backend bot/backend
# The tracker store's own SQL, run by erasure and the retention purge (no Rasa in it).
COPY bot/assistant/__init__.py bot/assistant/tracker_rows.py bot/assistant/
COPY bot/widget bot/widget
USER app
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=5)"]
# Migrates the database to the newest schema, then serves.
CMD ["python", "-m", "bot.backend"]

FROM base AS telegram
COPY bot/telegram bot/telegram
# The message-id log for /clear lives on a volume mounted here.
RUN mkdir -p /app/var && chown app /app/var
USER app
EXPOSE 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/healthz', timeout=5)"]
CMD ["python", "-m", "bot.telegram"]
