# The two commands of the README: `make run` and `make test`. Each does its own set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_MODULES := frontend/node_modules/.package-lock.json
FRONTEND_BUILT := frontend/dist/index.html
# pytest-xdist processes for `make test`: the training tests are single-threaded and most others wait on
# servers and browsers, so two processes fill a 2-core machine; each test file runs in one process, with its
# module's servers. The integration tests run after them, alone: they share one Redis and one PostgreSQL
# database, which each module flushes and resets, and their timings assume an otherwise quiet machine.
TEST_PROCESSES ?= 2
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/svelte.config.js -type f 2>/dev/null)

.PHONY: run test install torch-build frontend migrate chromium services test-python test-frontend bench lint types

run: install frontend migrate
	$(BIN)/playground serve

# The lint, then the frontend's checks and tests, then the Python tests (make builds these in this order).
test: lint test-frontend test-python

# Which build of torch: TORCH=cpu (PyTorch's CPU index: no CUDA libraries, a few hundred MB),
# TORCH=cuda (PyPI's own build: CUDA on Linux x86_64, gigabytes), or TORCH=auto, the default: cuda
# where nvidia-smi sees a GPU, else cpu. TORCH_INDEX_URL overrides the index outright (one of
# PyTorch's CUDA indexes, https://download.pytorch.org/whl/cuXXX, or a mirror). `make torch-build`
# says what this machine would get.
TORCH ?= auto
TORCH_BUILD := $(if $(filter auto,$(TORCH)),$(shell nvidia-smi -L >/dev/null 2>&1 && echo cuda || echo cpu),$(TORCH))
TORCH_INDEX_cpu := https://download.pytorch.org/whl/cpu
TORCH_INDEX_cuda := https://pypi.org/simple
TORCH_INDEX_URL ?= $(or $(TORCH_INDEX_$(TORCH_BUILD)),$(error TORCH is cpu, cuda or auto, not "$(TORCH)"))
TORCH_PIN := $(shell grep -m1 '^torch==' requirements.txt)

# torch first, pinned and from its index: the packages after it that ask for torch then find it
# there and pull no other build. (--retries 1: where the index cannot be reached at all, pip falls
# back to any index or wheel folder of its own configuration within seconds.) Test and lint tools
# come from requirements-test.txt, kept out of the runtime image (Dockerfile).
$(INSTALLED): requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --retries 1 --index-url $(TORCH_INDEX_URL) $(TORCH_PIN)
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-test.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	@$(BIN)/python -c "import torch; print('torch', torch.__version__, '(CUDA', torch.version.cuda or 'none', end=')\\n')"
	touch $@

torch-build:
	@echo "$(TORCH_BUILD) $(TORCH_PIN) from $(TORCH_INDEX_URL)"

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
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile --ignore=tests/integration
	$(BIN)/python -m pytest tests/integration

test-frontend: frontend
	cd frontend && npm run check && npm test

bench: install frontend chromium
	$(BIN)/python -m bench.tf_playground --write
	$(BIN)/python -m bench.ui_stream --write

lint: install
	$(BIN)/ruff check backend workers playground_client tests bench

# The frontend's API and event types, from the server's OpenAPI schema (checked in; tests/test_generated_types.py
# fails while they are stale). The command lives in frontend/package.json (gen:api).
types: install $(NODE_MODULES)
	cd frontend && npm run gen:api
