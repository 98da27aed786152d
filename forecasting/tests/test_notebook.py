"""docs/notebooks/forecasting_demo.ipynb is a valid notebook that uses the public API."""

from __future__ import annotations

import ast
import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "forecasting_demo.ipynb"


def test_the_demo_notebook_is_nbformat_4_with_valid_python_that_calls_the_api():
    nb = json.loads(NOTEBOOK.read_text())
    assert nb["nbformat"] == 4 and nb["cells"]
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    for source in code:
        ast.parse(source)
    text = "\n".join(code)
    for needle in ("/api/v1/metrics/", "/api/v1/predictions/run", '"tonexty"', "HYDRA_TOKEN"):
        assert needle in text
