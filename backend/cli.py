"""`playground serve`, `playground worker` and `playground users add`; and the client's commands (`submit`,
`runs`, `watch`, `export`: playground_client/cli.py), which import no torch, nor anything of the server."""
from __future__ import annotations

import argparse
import os
import sys

from playground_client.cli import add_commands as add_client_commands


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from .app import create_app
    from .settings import Settings

    settings = Settings()
    logs = {}
    if settings.log_format == "json":
        import logging

        from workers.logs import uvicorn_log_config

        logging.captureWarnings(True)  # warnings, too, as JSON lines
        logs = {"log_config": uvicorn_log_config(args.log_level)}
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level,
                ws_per_message_deflate=settings.websocket_compression, **logs)


def worker(args: argparse.Namespace) -> None:
    from workers.config import WorkerSettings

    settings = WorkerSettings()
    if not settings.redis_url:
        sys.exit("playground worker needs PLAYGROUND_REDIS_URL (the embedded server trains in its own processes)")
    from workers.tasks import make_celery

    app = make_celery(settings.redis_url)
    quiet = []
    if settings.log_format == "json":  # log records as JSON lines, and no banner of plain text
        import logging

        from celery import signals

        from workers.logs import use_json

        logging.captureWarnings(True)
        for signal in (signals.after_setup_logger, signals.after_setup_task_logger):
            signal.connect(lambda logger, **_: use_json(logger), weak=False)
        quiet = ["--quiet"]
    processes = args.concurrency or settings.processes
    app.worker_main([*quiet, "worker", "--queues", args.queues, "--concurrency", str(processes),
                     "--hostname", f"playground-{os.getpid()}@%h", "--loglevel", args.log_level.upper(),
                     "--pool", "prefork", "--without-gossip", "--without-mingle"])


def add_user(args: argparse.Namespace) -> None:
    """The password comes from stdin, never the command line (where `ps` and the shell's history would show it):
    typed twice at a terminal, or the first line of a pipe."""
    import getpass

    from .db.session import make_engine, make_sessionmaker, migrate
    from .services.accounts import Accounts
    from .settings import Settings

    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            sys.exit("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    settings = Settings()
    url = settings.resolved_database_url
    migrate(url)
    engine = make_engine(url)
    try:
        user, created = Accounts(make_sessionmaker(engine), settings.token_seconds).add_user(
            args.name, args.role, password)
    except ValueError as error:
        sys.exit(str(error))
    finally:
        engine.dispose()
    print(f"{'added' if created else 'updated'} {user.role} {args.name}")


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
    p.add_argument("--concurrency", type=int, default=0,
                   help="training processes (default: PLAYGROUND_SCHEDULER_PROCESSES, or one per core); each "
                        "trains up to PLAYGROUND_ACTIVE_RUNS_PER_PROCESS runs at once")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=worker)
    users = commands.add_parser("users", help="manage accounts (PLAYGROUND_AUTH=accounts)")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    p = user_commands.add_parser("add", help="add an instructor or admin, or set their password and role anew; "
                                 "the password is read from stdin")
    p.add_argument("name", help="the username to sign in with")
    p.add_argument("--role", choices=("instructor", "admin"), required=True)
    p.set_defaults(func=add_user)
    add_client_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
