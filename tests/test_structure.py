"""The package stays readable: small modules and functions, stages that never import the report
and never write a sentence into their notes or warnings.

The same check as one command: ``python tests/test_structure.py`` (prints what is over).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "feasibility"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 100
#: Stages compute; only the report layer (and the CLI and pipeline that call it) writes words.
STAGES = (
    "io",
    "profile",
    "curves",
    "fit",
    "decide",
    "engines",
    "labelsets.py",
    "dataset.py",
    "vocab.py",
    "result.py",
    "synthetic.py",
    "_validation.py",
    "_stats.py",
    "_json.py",
    "_arrays.py",
    "notes.py",
)
#: A ``notes`` field of a stage's result holds notes (codes with values), never strings.
NOTES_ANNOTATION = re.compile(r"(tuple|list)\[\w*Note(, \.\.\.)?\]")
#: Tests use the package as its users do: public names of public modules only.
TESTS = Path(__file__).resolve().parent
#: Private modules a test may import from, with the reason (none: what a test needs is public).
ALLOWED_PRIVATE_MODULES: dict[str, str] = {}
#: Private names tests still import, each with why it is not public yet. Remove an entry
#: when its name becomes public; never add one.
PENDING_PRIVATE_NAMES: dict[str, str] = {}
_DOTTED = re.compile(r"feasibility(\.\w+)+")


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
                    for alias in node.names
                    if alias.name.startswith("feasibility.report")
                ]
    return found


def _is_text(node) -> bool:
    """An f-string, or a string constant with a space in it (a phrase)."""
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def sentences_in_stages() -> list[str]:
    """Sentences a stage module writes into notes or warnings, and ``notes`` fields not typed
    as notes: the words belong to the report layer (``feasibility/report/explain*.py``)."""
    found = []
    for path, tree in _modules():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] not in STAGES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                annotation = ast.unparse(node.annotation)
                if node.target.id == "notes" and not NOTES_ANNOTATION.fullmatch(annotation):
                    found.append(f"{relative}:{node.lineno} notes: {annotation}")
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = ast.unparse(node.func.value)
            written = (node.func.attr in ("append", "extend") and "notes" in receiver) or (
                receiver == "warnings" and node.func.attr == "warn"
            )
            if written and node.args and _is_text(node.args[0]):
                found.append(f"{relative}:{node.lineno} {receiver}.{node.func.attr} of a sentence")
    return found


def _private(dotted: str) -> bool:
    """A dotted name with a part starting with one underscore (``__version__`` is public)."""
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _names_used(tree) -> list[tuple[int, str]]:
    """(line, dotted name) of what a test imports, patches by its dotted path (a string such
    as ``"feasibility.cli.main"``) or reads as an attribute of an imported name."""
    bound, used = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _DOTTED.fullmatch(f"{node.module}.x"):
            used += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
            bound.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            aliases = [alias for alias in node.names if _DOTTED.fullmatch(f"{alias.name}.x")]
            used += [(node.lineno, alias.name) for alias in aliases]
            bound.update(alias.asname or alias.name.split(".")[0] for alias in aliases)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used += [(node.lineno, node.value)] if _DOTTED.fullmatch(node.value) else []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and ast.unparse(node).split(".")[0] in bound:
            used.append((node.lineno, ast.unparse(node)))
    return used


def private_names_in_tests() -> list[str]:
    """Private names or modules of the package that a test imports, patches or reads."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        for line, name in sorted(set(_names_used(ast.parse(path.read_text(encoding="utf-8"))))):
            if not _private(name) or name in PENDING_PRIVATE_NAMES:
                continue
            if any(
                name == module or name.startswith(module + ".")
                for module in ALLOWED_PRIVATE_MODULES
            ):
                continue
            found.append(f"{path.relative_to(TESTS)}:{line} {name}")
    return found


def test_no_module_over_500_lines_and_no_function_over_100():
    assert oversized() == []


def test_no_stage_imports_the_report_layer():
    assert stage_imports_of_report() == []


def test_no_stage_writes_a_sentence_into_its_notes_or_warnings():
    assert sentences_in_stages() == []


def test_the_checks_can_fail(tmp_path, monkeypatch):
    """A long module and a stage importing the report are found (the checks are not vacuous)."""
    fake = tmp_path / "feasibility"
    (fake / "decide").mkdir(parents=True)
    body = "def f():\n" + "    x = 1\n" * 120 + "\n" * 400
    (fake / "decide" / "long.py").write_text("from ..report import explain\n" + body)
    (fake / "fit").mkdir()
    (fake / "fit" / "words.py").write_text(
        "import warnings\n"
        "class R:\n    notes: tuple[str, ...] = ()\n"
        "def f(notes, n):\n"
        "    notes.append(f'{n} fits did not converge')\n"
        "    warnings.warn('the fit is rough')\n"
        "    notes.append(Note(Code.ROUGH, {'n': n}))\n"
    )
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert len(oversized()) == 2
    assert stage_imports_of_report() == ["decide/long.py:1 imports ..report"]
    assert sentences_in_stages() == [
        "fit/words.py:3 notes: tuple[str, ...]",
        "fit/words.py:5 notes.append of a sentence",
        "fit/words.py:6 warnings.warn of a sentence",
    ]


def test_tests_use_only_public_names():
    assert private_names_in_tests() == []
    used = {
        name for path in TESTS.rglob("*.py") for _, name in _names_used(ast.parse(path.read_text()))
    }
    assert sorted(set(PENDING_PRIVATE_NAMES) - used) == []  # an entry no test needs: remove it


def test_the_private_name_check_can_fail(tmp_path, monkeypatch):
    """Private modules, names, patch targets and attributes are found."""
    (tmp_path / "test_x.py").write_text(
        "import feasibility._json\n"
        "from feasibility import _cli_build, load\n"
        "from feasibility.curves.jobs import Task, _scores\n"
        "from feasibility.fit.bootstrap import _observe\n"
        "import feasibility.curves.jobs as jobs\n"
        "import numpy as np\nfrom typer._click import exceptions\n"
        "def test_x(monkeypatch, result):\n"
        "    jobs._scores, result._private, np._core, feasibility.__version__\n"
        "    monkeypatch.setattr('feasibility.curves.jobs._scores', None)\n"
    )
    monkeypatch.setattr(__import__(__name__), "TESTS", tmp_path)
    assert private_names_in_tests() == [
        "test_x.py:1 feasibility._json",
        "test_x.py:2 feasibility._cli_build",
        "test_x.py:3 feasibility.curves.jobs._scores",
        "test_x.py:4 feasibility.fit.bootstrap._observe",
        "test_x.py:9 jobs._scores",
        "test_x.py:10 feasibility.curves.jobs._scores",
    ]


if __name__ == "__main__":
    problems = (
        oversized() + stage_imports_of_report() + sentences_in_stages() + private_names_in_tests()
    )
    print(
        "\n".join(problems)
        or "all modules <= 500 lines, functions <= 100, stages report-free and sentence-free, "
        "tests on public names"
    )
    raise SystemExit(1 if problems else 0)
