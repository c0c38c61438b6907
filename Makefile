# Two commands for a new machine:
#   make run   — install, migrate an embedded SQLite database, load the seed plans and demo
#                accounts, and serve the portal on http://127.0.0.1:8000 (Celery jobs in process)
#   make test  — install what the tests need and run the whole suite on PostgreSQL and Redis
#                (the local ones by default, started if they are down: scripts/run-tests.sh)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test install install-test demo-data messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	./scripts/ensure-browser.sh

demo-data: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

run: demo-data
	$(BIN)/python manage.py runserver $(HOST)

test: install-test
	./scripts/run-tests.sh $(PYTEST_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv
