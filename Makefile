# The two commands of the README: `make run` and `make test`. Each does its own set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_MODULES := frontend/node_modules/.package-lock.json
FRONTEND_BUILT := frontend/dist/index.html
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/svelte.config.js -type f 2>/dev/null)

.PHONY: run test install frontend migrate chromium services test-python test-frontend bench lint types

run: install frontend migrate
	$(BIN)/playground serve

test: install frontend chromium services
	$(BIN)/ruff check backend workers playground_client tests bench
	cd frontend && npm run check && npm test
	$(BIN)/python -m pytest

# torch first and pinned: a later package that asks for torch then finds 2.13.0 (the CPU build) and
# pulls no CUDA wheels.
$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

install: $(INSTALLED)

$(NODE_MODULES): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

$(FRONTEND_BUILT): $(NODE_MODULES) $(FRONTEND_SOURCES) frontend/package.json
	cd frontend && npm run build

frontend: $(FRONTEND_BUILT)

migrate: install
	$(BIN)/python -m backend.db.migrate

chromium:
	scripts/ensure-chromium

services:
	scripts/ensure-services

test-python: install frontend chromium services
	$(BIN)/python -m pytest

test-frontend: frontend
	cd frontend && npm test

bench: install frontend chromium
	$(BIN)/python -m bench.tf_playground --write
	$(BIN)/python -m bench.ui_stream --write

lint: install
	$(BIN)/ruff check backend workers playground_client tests bench

# The frontend's API and event types, from the server's OpenAPI schema (checked in; tests/test_generated_types.py
# fails while they are stale). The command lives in frontend/package.json (gen:api).
types: install $(NODE_MODULES)
	cd frontend && npm run gen:api
