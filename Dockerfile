# Neural Playground: the API (`playground serve`) and the training worker (`playground worker`)
# from one image.
#
#   docker build -t neural-playground:cpu .                      # CPU torch (the default)
#   docker build -t neural-playground:cuda \
#       --build-arg TORCH_INDEX_URL=https://pypi.org/simple .    # CUDA torch, for a GPU worker
#
# TORCH_INDEX_URL is the package index torch==2.13.0 is installed from, and only torch: the
# PyTorch CPU index (the default) gives a CPU-only build without the CUDA libraries; PyPI's own
# Linux x86_64 wheels are CUDA builds, as are the PyTorch CUDA indexes
# (https://download.pytorch.org/whl/cuXXX, for a build against one CUDA version).

# --- 1. the frontend: frontend/dist -------------------------------------------------------------
FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. the Python application ------------------------------------------------------------------
FROM python:3.11-slim

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLAYGROUND_DATA_DIR=/data

WORKDIR /app

# torch first and pinned, from TORCH_INDEX_URL: requirements.txt then finds torch 2.13.0 already
# there, and nothing pulls another build of it (see the Makefile).
RUN pip install torch==2.13.0 --index-url "${TORCH_INDEX_URL}"
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The project, installed editable in place: the code finds alembic.ini and alembic/ at
# Path(backend/...).parents[...] == /app, and the page at /app/frontend/dist.
COPY . .
RUN pip install --no-deps -e .
COPY --from=frontend /src/frontend/dist /app/frontend/dist

# A non-root user; /data (PLAYGROUND_DATA_DIR) is its own, so a named volume mounted there is too.
RUN useradd --create-home --uid 10001 --user-group playground \
    && mkdir -p /data \
    && chown playground:playground /data
USER playground

EXPOSE 8000

# No curl in the slim image: python asks /api/v1/health. (A worker container has nothing on
# port 8000: docker-compose.yml turns this off for the workers.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4).status == 200 else 1)"]

CMD ["playground", "serve", "--host", "0.0.0.0", "--port", "8000"]
