"""Every number the report shows, formatted in one place: counts, shares, p-values, bytes.

The stages return numbers; the HTML page, the terminal text and the sentences of
:mod:`feasibility.report.explain` format them here. A missing value (None, NaN or an
infinity) is shown as ``missing``: ``"n/a"`` in sentences (:data:`MISSING`), ``"-"`` in
terminal tables (:data:`MISSING_TERMINAL`) and ``"–"`` in the HTML page
(:data:`MISSING_HTML`), each medium keeping the marker its readers already see.

Integers beyond 2^53 arrive from the JSON as decimal strings (see
:data:`feasibility._json.LARGE_INTEGERS_NOTE`); the integer formatters read them back.

Examples
--------
>>> percent(0.1234), percent(0.004), count(1234.6), signed(0.05), p_phrase(0.0004)
('12%', '0.4%', '1,235', '+0.050', '< 0.001')
>>> number(None), number(float("nan"), missing=MISSING_TERMINAL)
('n/a', '-')
"""

from __future__ import annotations

import math
from decimal import Decimal

from .._json import json_int

__all__ = [
    "MISSING",
    "MISSING_HTML",
    "MISSING_TERMINAL",
    "count",
    "human_bytes",
    "is_missing",
    "number",
    "p_phrase",
    "p_value",
    "percent",
    "percent_fixed",
    "scientific",
    "seconds",
    "signed",
    "significant",
]

#: Why a size is "not estimable from this data" (``feasibility.fit.NotEstimable``), worded.
NOT_ESTIMABLE = {
    "beyond_horizon": "beyond the validated horizon (10x the largest training size)",
    "too_wide": "its interval spans more than 10x",
    "levels_off": "the fitted curve levels off before reaching the target",
}


def not_estimable(reason) -> str:
    """``"not estimable from this data: <why>"`` for a ``NotEstimable`` reason (or None).

    Examples
    --------
    >>> not_estimable("too_wide")
    'not estimable from this data: its interval spans more than 10x'
    """
    why = NOT_ESTIMABLE.get(str(reason)) if reason is not None else None
    return "not estimable from this data" + (f": {why}" if why else "")


#: Missing value inside a sentence (reasons, checklist texts, terminal profile).
MISSING = "n/a"
#: Missing value in a terminal table (verdict, curves).
MISSING_TERMINAL = "-"
#: Missing value in the HTML page.
MISSING_HTML = "–"

_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


def is_missing(value) -> bool:
    """Whether ``value`` is None, NaN or infinite (a number that cannot be shown).

    Examples
    --------
    >>> is_missing(None), is_missing(float("inf")), is_missing(0.0), is_missing(3)
    (True, True, False, False)
    """
    if value is None:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def number(value, digits: int = 3, *, missing: str = MISSING, grouped_ints: bool = False) -> str:
    """``value`` with ``digits`` decimals; with ``grouped_ints`` an int keeps its digits.

    Examples
    --------
    >>> number(0.12345), number(2.0, 1), number(12345, grouped_ints=True)
    ('0.123', '2.0', '12,345')
    """
    if grouped_ints:
        value = json_int(value)  # beyond 2^53 the JSON holds the integer as a string
    if is_missing(value):
        return missing
    if grouped_ints and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def signed(value, digits: int = 3, *, missing: str = MISSING) -> str:
    """``value`` with its sign always shown.

    Examples
    --------
    >>> signed(-0.0123), signed(0.5, 2)
    ('-0.012', '+0.50')
    """
    if is_missing(value):
        return missing
    return f"{value:+.{digits}f}"


def count(value, *, missing: str = MISSING) -> str:
    """A (possibly fractional) count rounded to an integer, with thousands separators.

    Examples
    --------
    >>> count(1234.4), count("18446744073709551616"), count(None)
    ('1,234', '18,446,744,073,709,551,616', 'n/a')
    """
    value = json_int(value)  # beyond 2^53 the JSON holds the integer as a string
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # exact, however large
    if is_missing(value) or not math.isfinite(float(value)):
        return missing
    return f"{int(round(float(value))):,}"


def percent(share, *, missing: str = MISSING) -> str:
    """A share as a whole percent, with one decimal below 1% (so 0.4% is not "0%").

    Examples
    --------
    >>> percent(0.5), percent(0.0051), percent(0.0)
    ('50%', '0.5%', '0%')
    """
    if is_missing(share):
        return missing
    if 0 < share < 0.01:
        return f"{100 * share:.1f}%"
    return f"{100 * share:.0f}%"


def percent_fixed(share, digits: int = 1, *, missing: str = MISSING) -> str:
    """A share as a percent with a fixed number of decimals.

    Examples
    --------
    >>> percent_fixed(0.1234), percent_fixed(0.5, 0)
    ('12.3%', '50%')
    """
    if is_missing(share):
        return missing
    return f"{100 * share:.{digits}f}%"


def p_phrase(value, *, missing: str = MISSING) -> str:
    """A p-value to follow "p " in a sentence: ``"= 0.123"`` or ``"< 0.001"``.

    Examples
    --------
    >>> p_phrase(0.0312), p_phrase(1e-5), p_phrase(None)
    ('= 0.031', '< 0.001', '= n/a')
    """
    if is_missing(value):
        return f"= {missing}"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def significant(value, digits: int = 2, *, missing: str = MISSING_HTML) -> str:
    """``value`` with ``digits`` significant digits (p- and q-values in the page).

    Examples
    --------
    >>> significant(0.012345), significant(3e-7), significant(None)
    ('0.012', '3e-07', '–')
    """
    if is_missing(value):
        return missing
    return f"{value:.{digits}g}"


def p_value(value, *, floor: float = 0.001, missing: str = MISSING_TERMINAL) -> str:
    """A p- or q-value with two significant digits, ``"< floor"`` below the floor.

    Examples
    --------
    >>> p_value(0.0123), p_value(0.00004), p_value(1.0), p_value(None)
    ('0.012', '< 0.001', '1', '-')
    >>> p_value(1e-320, floor=1e-300, missing=MISSING)
    '< 1e-300'
    """
    if is_missing(value):
        return missing
    if value < floor:
        return f"< {floor:g}"
    return significant(value)


def scientific(value, *, missing: str = MISSING_HTML) -> str:
    """A large exact integer (2^L heads): grouped digits below 10^12, else ``m × 10^e``.

    Examples
    --------
    >>> scientific(123456), scientific(2**64)
    ('123,456', '1.845 × 10^19')
    """
    if value is None:
        return missing
    value = int(value)
    if abs(value) < 10**12:
        return f"{value:,}"
    mantissa, exponent = f"{value:.3e}".split("e")
    return f"{mantissa} × 10^{int(exponent)}"


def seconds(value, *, missing: str = MISSING_HTML) -> str:
    """A duration in seconds, in minutes from two minutes on.

    Examples
    --------
    >>> seconds(12.34), seconds(600)
    ('12.3 s', '10.0 min')
    """
    if value is None:
        return missing
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def human_bytes(n_bytes: int) -> str:
    """Format a byte count with binary units, in scientific notation beyond YiB.

    Parameters
    ----------
    n_bytes : int
        Non-negative exact byte count (may be far larger than a double can hold; a
        decimal string from the JSON is read back exactly).

    Returns
    -------
    str

    Examples
    --------
    >>> human_bytes(512), human_bytes(1536), human_bytes(4 * 2**40 + 2**39)
    ('512 B', '1.5 KiB', '4.5 TiB')
    >>> human_bytes(2**1000)
    '1.1e+301 bytes'
    """
    n_bytes = int(n_bytes)
    if n_bytes < 1024:
        return f"{n_bytes} B"
    exponent = min((n_bytes.bit_length() - 1) // 10, len(_BYTE_UNITS) - 1)
    if n_bytes >= 1024 ** len(_BYTE_UNITS):
        return f"{Decimal(n_bytes):.1e} bytes"
    value = n_bytes / 1024**exponent
    if value >= 1023.95 and exponent < len(_BYTE_UNITS) - 1:
        exponent, value = exponent + 1, value / 1024
    return f"{value:.1f} {_BYTE_UNITS[exponent]}"
