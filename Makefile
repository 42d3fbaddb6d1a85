# The project's verbs. `make help` lists them; the README explains each.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_VENV   ?= .venv-rasa
SVC_VENV    ?= .venv
PYTHON3     ?= python3
RASA_PY     := $(RASA_VENV)/bin/python
SVC_PY      := $(SVC_VENV)/bin/python
RASA        := $(RASA_VENV)/bin/rasa
SPACY_MODEL := models/spacy-en
export PYTHONPATH := $(CURDIR)
# TensorFlow and Rasa chatter: keep the console for what matters.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED := false

TRAIN_DATA := data/nlu data/rules data/journeys
RESULTS    := results

.PHONY: help setup browser train run test validate check-directory test-unit test-nlu \
        test-stories test-e2e test-conversations bench bench-load bench-backend \
        test-production lock clean staff-user scan

help:  ## list the project's commands
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# --- setup ------------------------------------------------------------------------------
setup: $(RASA_VENV)/.installed $(SVC_VENV)/.installed $(SPACY_MODEL)/meta.json browser  ## create both environments from the lock files, install Chromium (idempotent)
	@echo "setup complete: Rasa env $(RASA_VENV), services env $(SVC_VENV)"

# The browser tests drive Debian's Chromium (no tool ever downloads a browser of its own).
browser:
	@bot/tools/install-debian-package.sh chromium chromium "the browser tests"

$(RASA_VENV)/.installed: requirements/rasa.lock bot/tools/find-python310.sh
	@py310=$$(bot/tools/find-python310.sh) || exit 1; \
	  if [ ! -x $(RASA_PY) ] || ! $(RASA_PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	    rm -rf $(RASA_VENV) && $$py310 -m venv $(RASA_VENV); fi
	$(RASA_PY) -m pip install -q --disable-pip-version-check -r requirements/rasa.lock
	@touch $@

$(SVC_VENV)/.installed: requirements/services.lock
	@$(PYTHON3) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: the services need Python 3.11 or newer as '$(PYTHON3)' (set PYTHON3=...)"; exit 1; }
	@[ -x $(SVC_PY) ] || $(PYTHON3) -m venv $(SVC_VENV)
	$(SVC_PY) -m pip install -q --disable-pip-version-check -r requirements/services.lock
	@touch $@

# spaCy pipeline for tokens and lemmas, built locally from spaCy and spacy-lookups-data:
# no model is downloaded, at setup or at run time.
$(SPACY_MODEL)/meta.json: $(RASA_VENV)/.installed bot/tools/build_spacy_pipeline.py
	$(RASA_PY) -m bot.tools.build_spacy_pipeline $(SPACY_MODEL)

lock:  ## re-resolve requirements/*.in into the lock files (needs the package index)
	bot/tools/lock.sh

# --- train and run ----------------------------------------------------------------------
train: setup  ## train the assistant into models/ (skipped when nothing changed)
	$(RASA) train --fixed-model-name assistant --data $(TRAIN_DATA) --domain domain \
	  --config config.yml --out models

models/assistant.tar.gz:
	$(MAKE) train

run: setup models/assistant.tar.gz  ## Rasa (5005), actions (5055), backend + dashboard (8080); Ctrl-C stops all
	$(SVC_PY) -m bot.tools.run

# --- tests ------------------------------------------------------------------------------
test: validate train test-unit test-nlu test-stories test-e2e test-conversations test-production  ## everything CI runs

validate: setup  ## check the service directory and the Rasa training data
	$(RASA_PY) -m bot.tools.validate_directory
	$(RASA) data validate --data $(TRAIN_DATA) --domain domain --config config.yml

# A report for whoever keeps the directory current; what a check found goes in
# data/directory/checks.md. MAX_AGE_DAYS=N changes the limit, AS_OF=YYYY-MM-DD the day.
check-directory: setup  ## report directory entries last checked >180 days ago and unverified facts, with sources (a report: exits 0)
	$(RASA_PY) -m bot.tools.check_directory --max-age-days $(or $(MAX_AGE_DAYS),180) \
	  $(if $(AS_OF),--as-of $(AS_OF))

# Tests mirror the code; each suite runs in the environment its code runs in.
RASA_TESTS := tests/assistant tests/actions tests/directory
SVC_TESTS  := tests/test_contract.py tests/test_layout.py tests/backend tests/tools tests/deploy \
              tests/conversations/test_set.py

# No trained model needed: the gateway's unit tests run here; those marked `stack` (the
# real gateway against Rasa, the actions and the backend) run in test-e2e.
test-unit: setup  ## pytest: Rasa plug-ins, actions, directory (Rasa env); backend, gateway units, tools, deployment files, the conversation set's format (services env)
	$(RASA_VENV)/bin/pytest -q $(RASA_TESTS)
	$(SVC_VENV)/bin/pytest -q -m "not stack" $(SVC_TESTS) tests/telegram

test-nlu: models/assistant.tar.gz  ## held-out NLU evaluation with thresholds; crisis and danger recall on the safety development sets
	rm -rf $(RESULTS)/nlu
	$(RASA) test nlu --model models/assistant.tar.gz --nlu tests/nlu --out $(RESULTS)/nlu \
	  --no-plot --no-errors
	$(RASA_PY) -m bot.tools.check_nlu_report $(RESULTS)/nlu
	$(RASA_PY) -m bot.tools.check_safety_sets models/assistant.tar.gz

test-stories: models/assistant.tar.gz  ## test stories for every journey; any wrong prediction fails
	$(RASA) test core --model models/assistant.tar.gz --stories tests/stories \
	  --out $(RESULTS)/core --fail-on-prediction-errors --no-plot

test-e2e: models/assistant.tar.gz  ## real servers: conversations, Telegram (fake Bot API), widget (Chromium)
	$(SVC_VENV)/bin/pytest -q tests/e2e
	$(SVC_VENV)/bin/pytest -q -m stack tests/telegram
	$(SVC_VENV)/bin/pytest -q tests/widget

# The conversation set (tests/conversations/*.yml), written apart from the training data:
# thresholds all safety cases, 95% overall, no fallback after an extracted entity.
test-conversations: models/assistant.tar.gz  ## real servers: the conversation set; pass rate, safety, concrete first replies, fallbacks
	$(SVC_PY) -m tests.conversations.run

# The production configuration on this machine's PostgreSQL and Redis: two Rasa servers
# sharing one conversation, each fault restored after it is made, the bad-input corpus.
test-production: models/assistant.tar.gz  ## scale-out, fault and bad-input suites on PostgreSQL + Redis
	$(SVC_VENV)/bin/pytest -q tests/scale tests/corpus
	$(RASA_VENV)/bin/pytest -q tests/faults

# --- benchmarks -------------------------------------------------------------------------
bench: setup models/assistant.tar.gz  ## latency/throughput vs a stock `rasa init` bot, same run
	$(SVC_PY) -m bot.bench.compare

bench-backend: setup  ## backend: ingest throughput on SQLite and PostgreSQL, queue page with 10,000 cases
	$(SVC_PY) -m bot.bench.backend_throughput

bench-load: setup models/assistant.tar.gz  ## 200 concurrent conversations on PostgreSQL + Redis vs stock bot
	$(SVC_PY) -m bot.bench.load $(BENCH_LOAD_ARGS)

# Not part of `make test`: it takes several minutes. Findings: results/scan/findings.md,
# and what was done about each, docs/security.md.
scan: setup models/assistant.tar.gz  ## black-box scan (Debian's wapiti, local modules only) of the stack on loopback, signed in as staff
	@bot/tools/install-debian-package.sh wapiti wapiti "make scan"
	$(SVC_PY) -m bot.tools.scan $(if $(SCAN_MINUTES),--max-minutes $(SCAN_MINUTES))

staff-user: setup  ## create a staff account: make staff-user EMAIL=a@b.org ROLE=advisor (password on stdin)
	@[ -n "$(EMAIL)" ] && [ -n "$(ROLE)" ] || { echo "usage: make staff-user EMAIL=... ROLE=advisor|supervisor|admin"; exit 2; }
	$(SVC_PY) -m bot.backend.ops.create_staff_user --email "$(EMAIL)" --role "$(ROLE)"

clean:  ## remove results and trained models (keeps the environments)
	rm -rf $(RESULTS) models/*.tar.gz
