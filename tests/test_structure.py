"""The package stays readable: small modules and functions, stages that never import the report.

The same check as one command: ``python tests/test_structure.py`` (prints what is over).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "feasibility"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 100
#: Stages compute; only the report layer (and the CLI and pipeline that call it) writes words.
STAGES = ("io", "profile", "curves", "fit", "decide", "engines", "labelsets.py", "dataset.py",
          "vocab.py", "result.py", "synthetic.py", "_validation.py", "_stats.py", "_json.py")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def oversized() -> list[str]:
    """Modules over 500 lines and functions over 100 lines, as ``path: n lines``."""
    found = []
    for path, tree in _modules():
        n_lines = path.read_text(encoding="utf-8").count("\n")
        if n_lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(PACKAGE.parent)}: {n_lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(
                        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}: "
                        f"{length} lines"
                    )
    return found


def stage_imports_of_report() -> list[str]:
    """Imports of feasibility.report from a stage module."""
    found = []
    for path, tree in _modules():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] not in STAGES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                if "report" in module.split("."):
                    found.append(f"{relative}:{node.lineno} imports {module}")
            elif isinstance(node, ast.Import):
                found += [
                    f"{relative}:{node.lineno} imports {alias.name}"
                    for alias in node.names if alias.name.startswith("feasibility.report")
                ]
    return found


def test_no_module_over_500_lines_and_no_function_over_100():
    assert oversized() == []


def test_no_stage_imports_the_report_layer():
    assert stage_imports_of_report() == []


def test_the_checks_can_fail(tmp_path, monkeypatch):
    """A long module and a stage importing the report are found (the checks are not vacuous)."""
    fake = tmp_path / "feasibility"
    (fake / "decide").mkdir(parents=True)
    body = "def f():\n" + "    x = 1\n" * 120 + "\n" * 400
    (fake / "decide" / "long.py").write_text("from ..report import explain\n" + body)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert len(oversized()) == 2
    assert stage_imports_of_report() == ["decide/long.py:1 imports ..report"]


if __name__ == "__main__":
    problems = oversized() + stage_imports_of_report()
    print("\n".join(problems) or "all modules <= 500 lines, functions <= 100, stages report-free")
    raise SystemExit(1 if problems else 0)
