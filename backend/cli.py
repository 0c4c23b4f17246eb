"""`playground serve` and `playground worker`."""
from __future__ import annotations

import argparse
import os
import sys


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from .app import create_app
    from .settings import Settings

    uvicorn.run(create_app(Settings()), host=args.host, port=args.port, log_level=args.log_level)


def worker(args: argparse.Namespace) -> None:
    from workers.config import WorkerSettings

    settings = WorkerSettings()
    if not settings.redis_url:
        sys.exit("playground worker needs PLAYGROUND_REDIS_URL (the embedded server trains in its own processes)")
    from workers.tasks import make_celery

    app = make_celery(settings.redis_url)
    app.worker_main(["worker", "--queues", args.queues, "--concurrency", str(args.concurrency),
                     "--hostname", f"playground-{os.getpid()}@%h", "--loglevel", args.log_level.upper(),
                     "--pool", "prefork", "--without-gossip", "--without-mingle"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playground", description="Neural Playground")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("serve", help="run the server (embedded unless PLAYGROUND_REDIS_URL is set)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=serve)
    p = commands.add_parser("worker", help="run a Celery training worker (needs PLAYGROUND_REDIS_URL)")
    p.add_argument("--queues", default="cpu,gpu", help="comma-separated: cpu, gpu")
    p.add_argument("--concurrency", type=int, default=1, help="runs trained at once")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=worker)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
