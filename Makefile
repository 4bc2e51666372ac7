# One command to run the app, one to run every test. See README.md.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app server
HOST ?= 127.0.0.1
PORT ?= 5000
# A certificate and its key to serve HTTPS (a phone on the LAN needs it: see README, "On a real phone").
CERT ?=
KEY ?=
SCHEME := $(if $(CERT),https,http)
TLS := $(if $(CERT),--cert $(CERT) --key $(KEY))

.PHONY: run install fonts test test-fast lint stress translations i18n-update clean

$(BIN)/activate:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-installs only when pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed translations fonts

# The monthly report's PDF is set in Debian's WenQuanYi Micro Hei (TrueType CJK): installed when missing (root).
FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@test -f $(FONT) || { echo "installing fonts-wqy-microhei"; apt-get install -y -qq fonts-wqy-microhei >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; } || \
	  echo "warning: could not install fonts-wqy-microhei (not root?): the monthly report's PDF will answer 503 until it is"; }

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d server/translations >/dev/null

# From a fresh clone to the app at http://$(HOST):$(PORT) with the worker running and demo logins printed.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Lobbypad: $(SCHEME)://$(HOST):$(PORT)   (Ctrl+C stops the server and the worker)"
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	 $(FLASK) worker & worker=$$!; \
	 $(FLASK) run --host $(HOST) --port $(PORT) $(TLS)

# Every test: unit and API on SQLite and PostgreSQL, pages, and the browser tests on Debian's Chromium.
test: install
	$(BIN)/pytest -n 2 --dist loadgroup

# What CI checks before the tests: lint, one format, and the type check of server/.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The whole suite RUNS times under CPU load (scripts/stress-tests): a race a quiet machine hides shows here.
RUNS ?= 3
stress: install
	scripts/stress-tests -n $(RUNS)

test-fast: install
	$(BIN)/pytest -m "not slow" -n 2

i18n-update: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o /tmp/lobbypad-messages.pot .
	$(BIN)/pybabel update -i /tmp/lobbypad-messages.pot -d server/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
