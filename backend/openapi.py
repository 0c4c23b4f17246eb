"""`python -m backend.openapi [-o FILE]`: the app's OpenAPI document as JSON (sorted keys, indent 2, trailing
newline), on stdout or into FILE.

Built from create_app() without starting its lifespan: no database, queue or training pool is touched,
and the document does not depend on the settings. The frontend's types are generated from it
(`make types`, or `npm run gen:api` in frontend/; see frontend/src/lib/generated/).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .app import create_app
from .settings import Settings


def document(settings: Settings | None = None) -> dict:
    return create_app(settings or Settings()).openapi()


def dumps(settings: Settings | None = None) -> str:
    return json.dumps(document(settings), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m backend.openapi", description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, help="write here (replaced only once complete), not stdout")
    args = parser.parse_args(argv)
    text = dumps()
    if args.output is None:
        sys.stdout.buffer.write(text.encode())  # UTF-8 whatever the locale
        return
    partial = args.output.with_name(args.output.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, args.output)


if __name__ == "__main__":
    main()
