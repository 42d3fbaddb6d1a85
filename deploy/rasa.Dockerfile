# syntax=docker/dockerfile:1.7
# The Rasa server (target `rasa`) and the action server (target `actions`): Rasa 3.6.21's
# image with our plug-ins, the packages of requirements/rasa.lock (the versions CI tests),
# and, for Rasa, the trained model and the local spaCy pipeline built from
# spacy-lookups-data (nothing is downloaded at run time). Build from the repository root
# (docker compose does); deploy/rasa.Dockerfile.dockerignore lists what may be copied.
FROM rasa/rasa:3.6.21 AS base
USER root
WORKDIR /app
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install --no-cache-dir -r requirements/rasa.lock
COPY bot/__init__.py bot/contract.py bot/registry.py bot/secret_checks.py bot/
COPY bot/assistant bot/assistant
COPY bot/directory bot/directory
COPY data/directory data/directory
COPY data/patterns data/patterns
# The journey registry (actions, and typed button titles) and the domain's buttons.
COPY data/journeys/registry.yml data/journeys/registry.yml
COPY domain domain
ENV PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TF_CPP_MIN_LOG_LEVEL=2 \
    RASA_TELEMETRY_ENABLED=false
# Rasa's own entry point is `rasa`; ours are python modules.
ENTRYPOINT []

FROM base AS actions
COPY actions actions
# The words kept out of an exported case log (actions/caselog/redaction.py).
COPY data/caselog data/caselog
COPY bot/action_gate.py bot/
# A writable place for the action server; the outbox itself is in PostgreSQL
# (OUTBOX_DATABASE_URL), or a SQLite file here when that is unset.
RUN mkdir -p /app/var && chown 1001 /app/var
USER 1001
EXPOSE 5055
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=5)"]
# Through the wrapper: it checks the secrets and answers only Rasa's token.
CMD ["python", "-m", "bot.action_gate", "--host", "0.0.0.0", "--port", "5055"]

FROM base AS rasa
COPY bot/tools/__init__.py bot/tools/build_spacy_pipeline.py bot/tools/
RUN python -m bot.tools.build_spacy_pipeline models/spacy-en
COPY models/assistant.tar.gz models/assistant.tar.gz
COPY deploy/endpoints.yml deploy/credentials.yml deploy/
USER 1001
EXPOSE 5005
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=5)"]
# The API token is read from RASA_TOKEN at run time (docker-compose.yml, deploy/k8s/rasa.yaml),
# never baked in and never on the command line.
CMD ["python", "-m", "bot.assistant.serve", "run", "--enable-api", "--model", "models/assistant.tar.gz", "--endpoints", "deploy/endpoints.yml", "--credentials", "deploy/credentials.yml", "--interface", "0.0.0.0", "--port", "5005"]
