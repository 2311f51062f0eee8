"""docs/quickstart.ipynb runs end to end in a real Jupyter kernel (nbclient)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "quickstart.ipynb"

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extras")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extras")
pytest.importorskip("ipykernel", reason="ipykernel is in the test extras")


def _texts(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        for key in ("text/plain", "text/html"):
            parts.append(str(output.get("data", {}).get(key, "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    folder = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FEASIBILITY_CACHE", str(folder / "cache"))  # the kernel inherits it
        client.execute()
    return notebook


def test_notebook_runs_without_an_error_cell(executed):
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code and all(cell.get("execution_count") for cell in code)
    for cell in code:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output.get("evalue")


def test_the_verdict_cell_prints_the_recommendation(executed):
    verdict = next(cell for cell in executed.cells if "analysis.recommendation" in cell.source)
    text = _texts(verdict)
    match = re.search(r"recommendation: (sigmoid|powerset|pruned-powerset)", text)
    assert match, text


def test_the_inline_report_is_offline_after_a_progress_bar(executed):
    shown = next(cell for cell in executed.cells if cell.source.rstrip().endswith("\nanalysis"))
    pages = [output.get("data", {}).get("text/html", "") for output in shown.outputs]
    html = next(page for page in pages if page.startswith("<iframe"))
    assert html.startswith('<iframe sandbox="allow-scripts"') and "srcdoc=" in html
    assert "flags" in html and "sigmoid" in html
    assert not re.search(r"(src|href)=(&quot;|\"|')https?://", html)
    # the learning curves' progress bar: rich's notebook widget (with ipywidgets), shown
    # before the report, its last state in the notebook's widget state
    kinds = [list(output.get("data", {})) for output in shown.outputs]
    assert any("application/vnd.jupyter.widget-view+json" in kind for kind in kinds), kinds
    assert "learning curves" in str(executed.metadata.get("widgets", {}))
    assert "Warning" not in _texts(shown).replace(html, "")  # notes are one-line sentences


def test_the_notebook_tries_an_own_estimator(executed):
    cell = next(c for c in executed.cells if "estimator=" in c.source and c.cell_type == "code")
    assert re.search(
        r"estimator-KNeighborsClassifier -> (sigmoid|powerset|pruned-powerset)", _texts(cell)
    )
