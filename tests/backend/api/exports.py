"""Helpers of the export API tests (test_export.py, test_export_generative.py): a run's export fetched from the
real server, and the opening of the scripts that load it in a fresh interpreter."""
from __future__ import annotations

# In a fresh interpreter: the exported module (argv[1]) and its weights (argv[2]), nothing of the playground.
# Each test's script goes on from here with `exported` (the module) and `model` (built, loaded, in eval mode).
LOAD = """
import importlib.util, sys
import numpy as np, torch
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
exported = importlib.util.module_from_spec(spec)
spec.loader.exec_module(exported)
model = exported.build_model()
model.load_state_dict(torch.load(sys.argv[2]))
model.eval()
"""


def exported(api, run_id: str, format: str):
    """The response of GET /runs/{run_id}/export?format=..., which must have succeeded."""
    response = api.http.get(f"/runs/{run_id}/export", params={"format": format})
    assert response.status_code == 200, response.text
    return response
