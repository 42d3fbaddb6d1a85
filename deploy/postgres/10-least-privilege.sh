#!/bin/sh
# Run once, when the PostgreSQL volume is first created (docker-entrypoint-initdb.d): the
# three databases and one role per service and database (least-privilege.sql says which
# may do what). Names have defaults; the passwords stay in the environment, where the
# SQL reads them (\getenv), never on a command line.
set -eu
: "${BACKEND_DB_PASSWORD:?}" "${ERASER_DB_PASSWORD:?}" "${RASA_DB_PASSWORD:?}" \
  "${ACTIONS_DB_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" \
     --dbname "${POSTGRES_DB:-postgres}" \
     -v backend_db="${BACKEND_DB:-backend}" -v tracker_db="${TRACKER_DB:-tracker}" \
     -v outbox_db="${OUTBOX_DB:-outbox}" \
     -v backend_role="${BACKEND_DB_ROLE:-backend}" \
     -v eraser_role="${ERASER_DB_ROLE:-backend_eraser}" \
     -v rasa_role="${RASA_DB_ROLE:-rasa}" -v actions_role="${ACTIONS_DB_ROLE:-actions}" \
     -f "${LEAST_PRIVILEGE_SQL:-/deploy/least-privilege.sql}"
