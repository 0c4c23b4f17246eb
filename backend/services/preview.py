"""A dataset's points and input features before any training, checked by the rules a run's spec meets."""
from __future__ import annotations

from workers.engine import Limits, Problem, Spec, problems
from workers.engine.datasets import DATASETS, dataset_of, n_classes
from workers.engine.kinds.points.datasets import make_data
from workers.engine.kinds.points.table import table_data
from workers.engine.probes.boundary import dataset_event_data, feature_maps
from workers.engine.spec import Data

# What the preview draws from. The page previews 2-D thumbnails with the rest of whatever data the spec holds
# (an image size, a sequence length): fields it never reads are not its to reject.
DRAWN_FROM = frozenset({"dataset", "n_samples", "noise", "test_fraction", "features", "seed", "classes", "axes",
                        "table"})


def preview_problems(data: Data, limits: Limits) -> list[Problem]:
    """What stops this data being previewed: not 2-D, or what a run of it would be refused for (checks.py)."""
    if data.table is None and data.dataset not in DATASETS:
        return [p for p in problems(Spec(data=data), Limits()) if p.loc[:2] == ("data", "dataset")]
    if dataset_of(data).kind != "2d":
        return [Problem(("data", "dataset"), f"{data.dataset} is not a 2-D dataset; the preview draws points "
                        "on the plane")]
    return [p for p in problems(Spec(data=data), limits) if p.loc[0] == "data" and p.loc[1] in DRAWN_FROM]


def draw(data: Data, grid: int) -> dict:
    """The points as the run would train on them, and each input feature over the plane."""
    if data.table is not None:
        train, test, plane = table_data(data.table, data.test_fraction, data.seed, data.axes)
        labels = data.table.classes
        return {**dataset_event_data(data.table.task, train, test, len(labels or ()), plane, labels), "features": []}
    train, test = make_data(data.dataset, data.n_samples, data.noise, data.test_fraction, data.features, data.seed,
                             data.classes)
    return {**dataset_event_data(DATASETS[data.dataset].task, train, test,
                                 n_classes(data.dataset, data)),
            "features": feature_maps(data.features, grid)}
