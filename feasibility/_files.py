"""Writing files so that a reader never sees half of them: :func:`write_files_atomically`."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import DatasetError

__all__ = ["write_files_atomically"]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_files_atomically(contents: dict[Path, str], *, what: str = "file") -> None:
    """Write several text files so that either all of them are replaced or none is.

    Each text goes to a temporary file in its target folder first (same file system, so
    the final rename is atomic) and is flushed to disk; only when every one is complete
    are they renamed over their targets. On any failure (a full disk, a read-only folder)
    the temporary files are removed and the previous files stay as they were.

    Parameters
    ----------
    contents : dict of Path to str
        Target path -> UTF-8 text.
    what : str, default="file"
        What is written, for the error message (e.g. ``"report"``).

    Raises
    ------
    DatasetError
        One line naming the path and the reason, e.g. "No space left on device".

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_files_atomically({folder / "a.txt": "A", folder / "b.txt": "B"})
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt', 'b.txt']
    """
    temporaries: list[tuple[Path, Path]] = []
    target = None
    renamed = 0
    try:
        for target, text in contents.items():
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(
                "w",
                encoding="utf-8",
                dir=target.parent,
                prefix=f".{target.name}.",
                suffix=".tmp",
                delete=False,
            )
            temporaries.append((Path(handle.name), target))
            with handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            # NamedTemporaryFile is private (0600); give the file the usual permissions.
            os.chmod(handle.name, 0o666 & ~_umask())
        for temporary, target in temporaries:
            os.replace(temporary, target)
            renamed += 1
    except OSError as error:
        # A rename within one folder practically never fails once the data is on disk;
        # say so honestly if it did.
        kept = "the previous files are unchanged" if not renamed else "some files were replaced"
        full = error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
        fix = "free some disk space or choose" if full else "choose"
        raise DatasetError(
            f"{target}: cannot write there ({error.strerror or error}); {fix} another folder "
            f"with --out ({what} not written; {kept})."
        ) from None
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
