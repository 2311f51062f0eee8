"""Text from the data made safe for a terminal: control characters shown, not obeyed.

A label name such as ``"a\\x1b]0;pwned\\x07b"`` would retitle the terminal (OSC) and
``"\\x1b[2J"`` would clear it if printed raw; a newline inside a name would forge an extra
output line. Every name printed by the plain-text summaries, and every warning and error
line of the command line, goes through :func:`terminal_safe` first (a message through
:func:`one_line`).
"""

from __future__ import annotations

import re

__all__ = ["one_line", "terminal_safe", "warning_line"]

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder displayed text
# ("Trojan Source"); tab is kept, newline only when asked.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_BUT_NEWLINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


_SHORT = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    character = match.group()
    code = ord(character)
    if character in _SHORT:
        return _SHORT[character]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: object, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with control characters written as Python escapes (``\\x1b``).

    Parameters
    ----------
    text : object
        Converted with ``str()`` first.
    keep_newlines : bool, default=False
        Keep ``\\n`` (for whole multi-line outputs); names never keep it.

    Examples
    --------
    >>> print(terminal_safe("a\\x1b]0;pwned\\x07b"))
    a\\x1b]0;pwned\\x07b
    >>> print(terminal_safe("two\\nlines"), terminal_safe("[bold]x[/bold]"))
    two\\nlines [bold]x[/bold]
    """
    pattern = _CONTROLS_BUT_NEWLINE if keep_newlines else _CONTROLS
    return pattern.sub(_escape, str(text))


def warning_line(message: object) -> str:
    """A warned note as the user sees it, from the CLI or ``analyze``: one prefixed line.

    Examples
    --------
    >>> warning_line("label 'a'   is constant")
    "feasibility: warning: label 'a' is constant"
    """
    return f"feasibility: warning: {one_line(message)}"


def one_line(message: object) -> str:
    """Return ``message`` as one terminal-safe line: whitespace collapsed, controls escaped.

    Examples
    --------
    >>> print(one_line("bad value\\n  in\\tcolumn 'a\\x1bb'"))
    bad value in column 'a\\x1bb'
    """
    return terminal_safe(" ".join(str(message).split()))
