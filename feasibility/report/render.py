"""The self-contained HTML report: :func:`render_html` and :func:`write_report`.

The page inlines Vega, Vega-Lite and vega-embed once (the bundle of vl-convert-python)
and embeds each chart's Vega-Lite spec as JSON, so it opens without any network. Every
name from the data goes through jinja2's autoescaping; JSON inside ``<script>`` has
``<``, ``>`` and ``&`` written as ``\\u003c`` etc., so a label such as
``</script><script>alert(1)</script>`` stays text.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from pathlib import Path

import altair as alt
import jinja2
from markupsafe import Markup

from .._files import write_files_atomically
from ..curves.cache import default_cache_dir
from ..errors import DatasetError, ParameterError
from ..result import RESULT_KEYS
from . import format as fmt
from .charts import report_charts
from .explain_notes import note_text

__all__ = [
    "atomic_write",
    "check_report_path",
    "read_result",
    "render_html",
    "write_report",
    "script_json",
]

TEMPLATES = Path(__file__).parent / "templates"
#: The keys a report result must have (the stages of an AnalysisResult).
REQUIRED_KEYS: tuple[str, ...] = RESULT_KEYS
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value) -> Markup:
    """Serialise ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    Examples
    --------
    >>> str(script_json({"label": "</script>&"}))
    '{"label": "\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    for raw, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, escaped)
    return Markup(text)


@functools.lru_cache(maxsize=1)
def _javascript_bundle() -> str:
    """Vega + Vega-Lite + vega-embed in one script, matching altair's Vega-Lite version.

    vl-convert builds the bundle in about 2.5 s; it depends only on the two versions, so it
    is kept in the cache folder (written atomically; a folder that cannot be written only
    costs the rebuild).
    """
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    versions = vl_convert.get_vegalite_versions()
    vl_version = major_minor if major_minor in versions else versions[-1]
    cached = default_cache_dir() / f"vega-bundle-{vl_convert.__version__}-vl{vl_version}.js"
    try:
        bundle = cached.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        bundle = ""
    if _BUNDLE_MARKER not in bundle:
        bundle = vl_convert.javascript_bundle(vl_version=vl_version)
        with contextlib.suppress(OSError, DatasetError):
            write_files_atomically({cached: bundle}, what="chart library cache")
    # A closing tag inside the inlined library would end the <script> element early (escaped
    # here, after the cache: the cache folder is not trusted to hold what was written).
    return bundle.replace("</script", "<\\/script")


#: Present in every complete bundle (vega-embed's global), absent from a truncated file.
_BUNDLE_MARKER = "window.vegaEmbed="


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    html = {"missing": fmt.MISSING_HTML}  # the page's one marker of a missing value
    env.filters.update(
        int=functools.partial(fmt.count, **html),
        num=lambda value, digits=3: fmt.number(value, digits, grouped_ints=True, **html),
        pct=lambda value, digits=1: fmt.percent_fixed(value, digits, **html),
        sci=functools.partial(fmt.scientific, **html),
        sig=functools.partial(fmt.significant, **html),
        seconds=functools.partial(fmt.seconds, **html),
        script_json=script_json,
        note_text=note_text,
        not_estimable=fmt.not_estimable,
    )
    return env


def _check_result(result) -> None:
    if not isinstance(result, dict):
        raise DatasetError(f"a report result must be a dict; got {type(result).__name__}.")
    missing = [key for key in REQUIRED_KEYS if key not in result]
    if missing:
        raise DatasetError(
            f"the result has no {', '.join(repr(k) for k in missing)}; expected the keys "
            f"{', '.join(REQUIRED_KEYS)} (the JSON written beside a report)."
        )


def render_html(result) -> str:
    """Render the report page from the full result dict (no statistic is computed here).

    Parameters
    ----------
    result : dict or AnalysisResult
        Output of :func:`feasibility.pipeline.run_pipeline` (or the JSON beside a report),
        or the typed result of :func:`feasibility.pipeline.run_analysis`.

    Returns
    -------
    str
        A self-contained HTML document.

    Raises
    ------
    DatasetError
        When ``result`` lacks one of the result keys.
    """
    if not isinstance(result, dict) and hasattr(result, "recommendation"):
        from .result_json import report_json

        result = report_json(result)  # an AnalysisResult: its words written out first
    _check_result(result)
    min_positives = int(result["methods"].get("options", {}).get("min_positives", 10))
    charts = report_charts(result, min_positives=min_positives)
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=result,
        charts=charts,
        charts_by_section={
            section: [c for c in charts if c["section"] == section]
            for section in {c["section"] for c in charts}
        },
        chart_specs=script_json({c["id"]: c["spec"] for c in charts}),
        vega_bundle=Markup(_javascript_bundle()),
    )


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Raises
    ------
    DatasetError
        When the folder cannot be created or written (e.g. a full disk); ``path`` is
        then unchanged.
    """
    write_files_atomically({Path(path): text})


def check_report_path(html_path: str | os.PathLike) -> None:
    """Check, before a long run, that a report could be written at ``html_path``.

    Nothing is left behind: a probe file in the nearest existing folder on the path is
    deleted at once. :func:`write_report` still reports any failure that only shows when
    writing (a full disk).

    Raises
    ------
    ParameterError
        When the path ends in ``.json`` (the JSON goes beside the HTML with that suffix).
    DatasetError
        When the folder cannot be written.
    """
    html_path = Path(html_path)
    if html_path.suffix.lower() == ".json":
        raise ParameterError(
            f"{html_path}: the HTML path must not end in .json (the JSON goes beside the HTML "
            f"with that suffix); choose e.g. {html_path.with_suffix('.html')}."
        )
    folder = html_path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        # A probe file, deleted on close: permission bits do not tell (root, /proc, mounts).
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise DatasetError(
            f"{html_path}: cannot write there (no file can be created in {folder}: "
            f"{error.strerror or error}); choose another --out."
        ) from None


def write_report(result: dict, html_path: str | os.PathLike) -> tuple[Path, Path]:
    """Write the HTML report and the result JSON beside it, as one atomic pair.

    Parameters
    ----------
    result : dict
        Output of :func:`feasibility.pipeline.run_pipeline`.
    html_path : path-like
        Where the HTML goes; the JSON is the same path with the suffix ``.json``.

    Returns
    -------
    (Path, Path)
        The HTML and JSON paths.

    Raises
    ------
    DatasetError
        When the result is incomplete or the files cannot be written (e.g. a full disk);
        then neither file is changed and no temporary file is left.
    """
    html_path = Path(html_path)
    json_path = html_path.with_suffix(".json")
    if json_path == html_path:
        check_report_path(html_path)  # raises: the HTML would overwrite its own JSON
    try:
        html = render_html(result)  # render first: a failure leaves no half-written pair
    except (KeyError, TypeError, IndexError, AttributeError) as error:
        raise DatasetError(
            f"the result is not a complete report result (missing or malformed {error}); "
            f"re-run 'feasibility report' to produce it."
        ) from None
    payload = json.dumps(result, indent=1, allow_nan=False, ensure_ascii=False)
    # Both files or neither: a new JSON must never sit beside an old HTML.
    write_files_atomically({json_path: payload + "\n", html_path: html}, what="report")
    return html_path, json_path


def read_result(json_path: str | os.PathLike) -> dict:
    """Read the result JSON written beside a report (for ``feasibility render``).

    Raises
    ------
    DatasetError
        When the file is missing, not JSON, or not a report result.
    """
    path = Path(json_path)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(
            f"{path}: file not found; pass the .json written beside a report."
        ) from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot be read ({error.strerror or error}).") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DatasetError(
            f"{path}: not a JSON file ({error}); pass the .json written beside a report."
        ) from None
    try:
        _check_result(result)
    except DatasetError as error:
        raise DatasetError(f"{path}: {error}") from None
    rebuilt = rebuild_result(result, where=str(path))
    if "codes" in result:
        # the words are written from the codes: re-derive them, so that a hand edit of one
        # cannot make the page say what the rebuilt result does not
        from .result_json import report_json

        return report_json(rebuilt)
    return result


def rebuild_result(result: dict, *, where: str = "report JSON"):
    """Rebuild the typed :class:`~feasibility.result.AnalysisResult` from a report JSON.

    ``feasibility render`` does this before drawing, so a JSON that no longer matches the
    result types (edited by hand, or from another version) is refused in one line instead
    of drawing a half-empty page.

    Raises
    ------
    DatasetError
        When the JSON breaks the report schema or a stage cannot be rebuilt from it, or
        when its notes are sentences (a JSON written before notes became codes).
    """
    from ..notes import TEXT_NOTES_MESSAGE, find_text_notes
    from ..result import AnalysisResult
    from .schema import validate_report_json

    place = find_text_notes(result)
    if place is not None:
        raise DatasetError(
            f"{where}: cannot be rendered: {TEXT_NOTES_MESSAGE}, e.g. at {place}; write the "
            f"report again with 'feasibility report'."
        )
    try:
        validate_report_json(result, where="")
    except DatasetError as error:
        reason = str(error).removeprefix(": ")
        raise DatasetError(
            f"{where}: not a complete report result; it {reason} Write the report again with "
            f"'feasibility report'."
        ) from None
    try:
        return AnalysisResult.from_dict(result)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise DatasetError(
            f"{where}: the result cannot be rebuilt ({type(error).__name__}: {error}); "
            f"write the report again with 'feasibility report'."
        ) from None
