"""`playground submit / runs / watch / export`: the client's commands, beside the server's in backend/cli.py.

They import httpx and websockets, never torch nor the server's code, so they start in a blink and run
on a machine with nothing but this package. The exit statuses are below, and in docs/cli.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .api import DEFAULT_SERVER, ApiError, Client, Run, Unreachable

# The exit statuses, one per outcome a script may want to tell apart (argparse's usage error is 2).
EXIT_SUCCEEDED = 0  # the run succeeded (or, without --watch, was queued)
EXIT_FAILED = 1  # the run failed
EXIT_CANCELLED = 3  # the run was stopped (cancelled), by someone or by a limit
EXIT_REFUSED = 4  # the server refused the request: an invalid spec (422), no such run (404), a conflict (409)...
EXIT_UNREACHABLE = 5  # the server could not be reached, or is unavailable (5xx)
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports it
EXIT_OF_STATUS = {"succeeded": EXIT_SUCCEEDED, "failed": EXIT_FAILED, "cancelled": EXIT_CANCELLED}
EXTENSIONS = {"pytorch": "py", "script": "py", "state_dict": "pt", "onnx": "onnx"}


def connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default=None,
                        help=f"the server's address (default: $PLAYGROUND_SERVER or {DEFAULT_SERVER})")
    parser.add_argument("--token", default=None, help="a sign-in token (default: $PLAYGROUND_TOKEN)")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON on stdout, for scripts")


def watching(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar on stderr")


def add_commands(commands) -> None:
    """Add the client's subcommands to `playground`'s subparsers."""
    p = commands.add_parser("submit", help="submit a spec (a JSON file) as a run and print its id")
    p.add_argument("spec", help="a JSON file holding a spec (docs/spec.md), or - for stdin")
    p.add_argument("--name", default=None, help="the run's name")
    p.add_argument("--watch", action="store_true", help="follow the run to its end with a progress bar, then "
                   "print its summary; the exit status tells how it ended")
    connection(p)
    watching(p)
    p.set_defaults(func=entry(submit))
    p = commands.add_parser("runs", help="list your runs, newest first")
    p.add_argument("--status", default=None, help="only runs of this status")
    p.add_argument("--limit", type=int, default=50)
    connection(p)
    p.set_defaults(func=entry(list_runs))
    p = commands.add_parser("watch", help="follow a run to its end with a progress bar, then print its summary")
    p.add_argument("run_id")
    connection(p)
    watching(p)
    p.set_defaults(func=entry(watch))
    p = commands.add_parser("export", help="download a run's trained model (pytorch, state_dict, onnx, script)")
    p.add_argument("run_id")
    p.add_argument("--format", "-f", required=True, help="pytorch, state_dict, onnx or script")
    p.add_argument("-o", "--output", default=None,
                   help="where to write it (default: the name the server suggests; - for stdout)")
    connection(p)
    p.set_defaults(func=entry(export))


def entry(command):
    """What `playground`'s main calls for a client command: it exits with the command's status."""
    def run(args: argparse.Namespace) -> None:
        sys.exit(run_command(command, args))
    return run


def run_command(command, args: argparse.Namespace) -> int:
    """Run one client command; every error the server or the network gives becomes a message and a status."""
    try:
        with Client(args.server, args.token) as client:
            return command(client, args)
    except ApiError as error:
        print(f"playground: {error.message}", file=sys.stderr)
        return EXIT_UNREACHABLE if error.status >= 500 else EXIT_REFUSED
    except Unreachable as error:
        print(f"playground: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except (OSError, ValueError) as error:  # a spec file that is missing or not JSON
        print(f"playground: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:  # Ctrl+C while watching stops the watching, not the run
        print("\nplayground: stopped watching; the run goes on (playground watch ID follows it again)", file=sys.stderr)
        return EXIT_INTERRUPTED


def read_spec(path: str):
    if path == "-":
        return json.loads(sys.stdin.read())
    if not os.path.exists(path):
        raise OSError(f"no spec file {path}")
    try:
        return json.loads(Path(path).read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON: {error}") from None


def submit(client: Client, args: argparse.Namespace) -> int:
    run = client.submit(read_spec(args.spec), args.name)
    if not args.watch:
        print(json.dumps(run.data) if args.json else run.id)
        return EXIT_SUCCEEDED
    if not args.json:
        print(run.id, flush=True)
    return finish(run, args)


def watch(client: Client, args: argparse.Namespace) -> int:
    return finish(client.run(args.run_id), args)


def finish(run: Run, args: argparse.Namespace) -> int:
    run.watch(progress=not args.quiet)
    if args.json:
        print(json.dumps(run.data))
    else:
        print(summary_text(run))
    return EXIT_OF_STATUS.get(run.status, EXIT_FAILED)


def summary_text(run: Run) -> str:
    lines = [f"run {run.id} {run.status}" + (f": {run.error}" if run.error else "")]
    for key, value in sorted(run.summary.items()):
        if isinstance(value, (int, float, str)):
            lines.append(f"  {key}: {value:.6g}" if isinstance(value, float) else f"  {key}: {value}")
    return "\n".join(lines)


def list_runs(client: Client, args: argparse.Namespace) -> int:
    runs = client.runs(args.status, args.limit)
    if args.json:
        print(json.dumps([run.data for run in runs]))
        return EXIT_SUCCEEDED
    print(f"{'id':<36}  {'status':<9}  {'dataset':<10}  {'test acc':>8}  {'test loss':>9}  name")
    for run in runs:
        dataset = ((run.data.get("spec") or {}).get("data") or {}).get("dataset", "")
        accuracy, loss = run.summary.get("test_accuracy"), run.summary.get("test_loss")
        print(f"{run.id:<36}  {run.status:<9}  {dataset:<10}  {number(accuracy):>8}  {number(loss):>9}  "
              f"{run.name or ''}")
    return EXIT_SUCCEEDED


def number(value) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else "-"


def export(client: Client, args: argparse.Namespace) -> int:
    try:
        content, suggested = client.export(args.run_id, args.format)
    except ApiError as error:
        if error.status == 404 and error.detail == "Not Found":  # FastAPI's own: the route, not the run, is missing
            raise ApiError(404, "this server has no export route (a version before exports?)", error.what) from None
        raise
    if args.output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return EXIT_SUCCEEDED
    path = Path(args.output or suggested or f"run-{args.run_id}.{EXTENSIONS.get(args.format, args.format)}")
    path.write_bytes(content)
    if args.json:
        print(json.dumps({"run": args.run_id, "format": args.format, "path": str(path), "bytes": len(content)}))
    else:
        print(f"wrote {path} ({len(content)} bytes)")
    return EXIT_SUCCEEDED
