"""The services one app holds, built once by the app factory; the API's dependencies hand them out."""
from __future__ import annotations

from dataclasses import dataclass

from ..db.models import LOCAL_USER
from ..settings import Settings
from .accounts import Accounts
from .assignments import Assignments
from .classes import Classes
from .datasets import Datasets
from .health import HealthChecks
from .queries import Queries
from .recorder import Recorder
from .runs import RunService
from .stream import StreamService
from .telemetry import Telemetry
from .wall import WallService

# The one owner of a server without accounts (PLAYGROUND_AUTH=none).
EMBEDDED_USER = LOCAL_USER


@dataclass
class Services:
    settings: Settings
    device: str
    database_kind: str
    bus: object
    runner: object
    recorder: Recorder
    queries: Queries
    runs: RunService
    streams: StreamService
    accounts: Accounts
    classes: Classes
    assignments: Assignments
    walls: WallService
    datasets: Datasets
    health: HealthChecks
    telemetry: Telemetry
