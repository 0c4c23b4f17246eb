"""Every status code a route can answer, listed in its OpenAPI entry; and the Allow header of a 405, from the same
document, so both say what the routes do.

The codes every route of a kind can answer are added here, once, to the document FastAPI builds: a body can be
malformed (400) or too large (413); a path naming a run, class or assignment can name none (404); a route behind
sign-in answers 401 without it, and one that reads the database 503 while it is away. A code only some routes
answer is named on the route itself (`responses=answers(409, 429)`).
"""
from __future__ import annotations

import re
from functools import lru_cache

from fastapi import FastAPI

DESCRIPTIONS = {
    400: "The body is not what its content type says (bytes that are not JSON, not UTF-8).",
    401: "Not signed in, or the sign-in expired (a server with PLAYGROUND_AUTH=accounts).",
    403: "Signed in, but this needs an instructor's or an admin's account.",
    404: "No such resource, or not one the caller may see.",
    409: "Not in the state this needs (the run's status, the stored-runs cap): the detail says which.",
    413: "The request body is larger than the server takes (PLAYGROUND_MAX_BODY_BYTES, 1 MiB by default).",
    429: "Over a per-user quota (active runs, submissions a minute); Retry-After says in how many seconds to "
         "try again.",
    503: "The database or the queue cannot be reached right now; Retry-After says when to try again.",
}
ERROR = {"application/json": {"schema": {"type": "object", "title": "Error", "required": ["detail"],
                                         "properties": {"detail": {"type": "string"}}}}}
PUBLIC = ("/api/v1/health", "/api/v1/catalog", "/api/v1/presets", "/api/v1/join")
ACCOUNTS_ONLY = ("/api/v1/auth/token", "/api/v1/join")  # 404 on a server without accounts
NO_DATABASE = ("/api/v1/catalog", "/api/v1/presets")
ROLES = ("/api/v1/classes", "/api/v1/assignments")
RETRY_AFTER = {"Retry-After": {"description": "Seconds until trying again may succeed.",
                               "schema": {"type": "integer", "minimum": 1}}}


def answers(*codes: int) -> dict[int | str, dict]:
    """`responses=` for a route: each code with its description and the {"detail": str} body."""
    return {code: {"description": DESCRIPTIONS[code], "content": ERROR,
                   **({"headers": RETRY_AFTER} if code in (429, 503) else {})} for code in codes}


def _codes(path: str, operation: dict) -> list[int]:
    codes = []
    if "requestBody" in operation:
        codes += [400, 413]
    if "{" in path or path in ACCOUNTS_ONLY:
        codes.append(404)
    if path.startswith("/api/v1"):
        if not path.startswith(PUBLIC):
            codes.append(401)
        if path.startswith(ROLES):
            codes.append(403)
        if not path.startswith(NO_DATABASE):
            codes.append(503)
    return codes


def complete(document: dict) -> dict:
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, answer in answers(*_codes(path, operation)).items():
                responses.setdefault(str(code), answer)
    return document


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi


@lru_cache(maxsize=8)
def _patterns(app: FastAPI) -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    return tuple((re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"),
                  tuple(m.upper() for m in operations))
                 for path, operations in app.openapi().get("paths", {}).items())


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the path answers: Starlette's 405 names only those of the first route matching the path."""
    methods = {m for pattern, ms in _patterns(app) if pattern.match(path) for m in ms}
    return sorted(methods | ({"HEAD"} if "GET" in methods else set()))
