#!/usr/bin/env bash
# Re-resolves requirements/*.in into exact pins (requirements/*.lock) in throwaway venvs.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py310=$(bot/tools/find-python310.sh)
"$py310" -m venv "$tmp/rasa" && "$tmp/rasa/bin/pip" install -q -r requirements/rasa.in
"$tmp/rasa/bin/pip" freeze --exclude-editable > requirements/rasa.lock
"${PYTHON3:-python3}" -m venv "$tmp/svc" && "$tmp/svc/bin/pip" install -q -r requirements/services.in
"$tmp/svc/bin/pip" freeze --exclude-editable > requirements/services.lock
echo "locked: requirements/rasa.lock requirements/services.lock"
