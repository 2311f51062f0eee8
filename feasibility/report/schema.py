"""The JSON Schema of the report JSON, and a check against it.

The schema file (``report.schema.json`` beside this module) is the contract for scripts that
read the JSON written beside every HTML report; the test suite checks every report it writes.
``jsonschema`` comes with altair, a core dependency.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..errors import DatasetError

#: Path of the JSON Schema (draft 2020-12) of the report JSON.
REPORT_SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


@cache
def report_schema() -> dict:
    """Return the report JSON Schema as a dict."""
    return json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_report_json(result: dict, *, where: str = "report JSON") -> None:
    """Check a report dict against :data:`REPORT_SCHEMA_PATH`.

    Raises
    ------
    DatasetError
        Naming the first key that breaks the schema and why.

    Examples
    --------
    >>> validate_report_json({"dataset": {}})
    Traceback (most recent call last):
    ...
    feasibility.errors.DatasetError: report JSON: does not follow the report schema at (top level): 'profile' is a required property.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(report_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(result))
    if error is not None:
        place = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise DatasetError(
            f"{where}: does not follow the report schema at {place}: {error.message}."
        )
