"""End-to-end: a link round trips every setting, generated from the server's own catalog (issue 14), in Chromium.

Same fixtures as test_browser.py (a real server, the built page, headless Chromium); no sleeps.
"""

from __future__ import annotations

import copy
import json
import typing
from urllib.parse import parse_qsl, urlencode

from playwright.sync_api import Page
from pydantic import BaseModel, TypeAdapter

from tests.e2e.conftest import SETTLED_JS
from workers.engine.spec import Spec


def changed(value):
    """Another value of the same type, as urlState.test.ts makes them."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value * 3 + 1
    if isinstance(value, str):
        return f"{value}-other"
    if isinstance(value, list):
        return [*value, copy.deepcopy(value[0]) if value else "x"]
    return 2


def leaves(tree, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(tree, dict):
        return [leaf for key, child in tree.items() for leaf in leaves(child, f"{prefix}.{key}" if prefix else key)]
    return [(prefix, tree)]


def at(tree, path: str):
    """The value at a dotted path (None where there is none)."""
    for key in path.split("."):
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def encode(value) -> str:
    """A value as the page's links write it (urlState.ts encodeValue)."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, separators=(",", ":"))


def decode(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def meaning(path: str, value):
    """What the server trains a spec's leaf as: an object (early stopping, a GAN's settings) through its own
    model, with its defaults filled in, so a part given and the whole with the defaults are the same."""
    if not isinstance(value, dict):
        return value
    model, field = Spec, None
    for key in path.split("."):
        field = model.model_fields[key].annotation
        model = next((t for t in (field, *typing.get_args(field)) if isinstance(t, type) and issubclass(t, BaseModel)),
                     None)
    adapter = TypeAdapter(field)
    return adapter.dump_python(adapter.validate_python(value), mode="json", by_alias=True)


def left_out(catalog: dict, link: dict, path: str):
    """What a setting left out of a link reads as: the default of the optimizer or schedule the link chose
    for its parameters, the catalog's default for the rest."""
    _, kind, parameter = [*path.split("."), ""][:3]
    if path.startswith(("train.optimizer.", "train.schedule.")) and parameter != "name":
        chosen = link.get(f"train.{kind}.name", at(catalog["defaults"], f"train.{kind}.name"))
        entry = next(e for e in catalog[f"{kind}s"] if e["name"] == chosen)
        return entry["parameters"][parameter]["default"]
    return at(catalog["defaults"], path)


def catalog_links(catalog: dict, presets: list[dict]) -> list[dict]:
    """Links that together change every setting the catalog's defaults hold, and every parameter of every
    optimizer and schedule it offers, also to another choice's default (which a link once left out)."""
    def preset_value(path: str):  # a setting null by default: the value a lesson gives it
        return next((at(preset["spec"], path) for preset in presets if at(preset["spec"], path) is not None), 2)

    choices = {"optimizer": catalog["optimizers"], "schedule": catalog["schedules"]}
    links = [{path: changed(value) if value is not None else preset_value(path)
              for path, value in leaves(catalog["defaults"])
              if not path.startswith(("train.optimizer", "train.schedule"))}]
    for other_default in (False, True):
        for i in range(max(len(entries) for entries in choices.values())):
            link = {}
            for kind, entries in choices.items():
                entry = entries[i % len(entries)]
                link[f"train.{kind}.name"] = entry["name"]
                for parameter, schema in entry["parameters"].items():
                    others = [e["parameters"][parameter]["default"] for e in entries if parameter in e["parameters"]]
                    others = [other for other in others if other != schema["default"]]
                    value = others[0] if other_default and others else changed(schema["default"])
                    link[f"train.{kind}.{parameter}"] = value
            links.append(link)
    return links


def test_a_link_round_trips_every_setting_the_catalog_has(page: Page, live_server) -> None:
    """Generated from the server's own catalog, so a new setting, optimizer or schedule is covered: the page
    opened on a link holds every setting it carries (what its preview of the network asks the server for)
    and its address bar carries them all again."""
    server = live_server.base_url
    catalog = page.request.get(f"{server}/api/v1/catalog").json()
    presets = page.request.get(f"{server}/api/v1/presets").json()
    view = {"hide": "lr,noise", "showTest": "false", "discretize": "true", "smooth": "0.5"}
    for link in catalog_links(catalog, presets):
        address = urlencode({path: encode(value) for path, value in link.items()} | view)
        with page.expect_request(lambda r: r.url.endswith("/api/v1/specs/preview")) as previewed:
            page.goto(f"{server}/#{address}")
        spec = previewed.value.post_data_json["spec"]
        held = {path: at(spec, path) for path in link}
        wrong = {path: (value, held.get(path)) for path, value in link.items()
                 if meaning(path, held.get(path)) != meaning(path, value)}
        assert not wrong, f"the page holds other values than the link: {wrong}"
        page.evaluate(SETTLED_JS)
        shown = dict(parse_qsl(page.evaluate("location.hash")[1:]))
        written = {path: decode(text) for path, text in shown.items()}
        wrong = {path: (value, written.get(path)) for path, value in link.items()
                 if meaning(path, written[path] if path in written else left_out(catalog, link, path))
                 != meaning(path, value)}
        assert not wrong, f"the address bar lost or changed settings: {wrong}"
        assert {key: shown.get(key) for key in view} == view
