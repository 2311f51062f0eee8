"""Where the jobs run: joblib's loky processes or a Dask cluster; and the progress bar.

Both executors take the data once (:meth:`bind`) and stream the job results back in the
order they finish (:meth:`map`); how jobs run never changes their numbers.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Iterator, Sequence

from ..errors import ParameterError
from .jobs import Task, run_job

__all__ = ["ProgressBar", "make_executor"]

#: The start of loky's warning when it replaces a worker (see :meth:`_LokyExecutor.map`).
_WORKER_RESTART = "A worker stopped while some jobs were given to the executor"


class _LokyExecutor:
    """Runs jobs through joblib (loky processes; in-process when jobs == 1)."""

    def __init__(self, jobs: int | None):
        from joblib import Parallel, effective_n_jobs

        self.n_jobs = -1 if jobs is None else jobs
        self.n_workers = int(effective_n_jobs(self.n_jobs))
        self._parallel = Parallel(
            n_jobs=self.n_jobs, backend="loky", return_as="generator_unordered"
        )
        self._data = None

    def __enter__(self):
        self._parallel.__enter__()
        return self

    def __exit__(self, *exc):
        self._parallel.__exit__(*exc)
        return False

    def bind(self, X, Y, engine):
        self._data = (X, Y, engine)
        return self

    def map(self, tasks: Sequence[Task]) -> Iterator[dict]:
        from joblib import delayed

        X, Y, engine = self._data
        with warnings.catch_warnings():
            # loky retires a worker whose memory grew by 300 MB (a large powerset head on
            # imdb) once its job is done, starts another and warns; no job is lost and the
            # user has nothing to act on
            warnings.filterwarnings("ignore", message=_WORKER_RESTART, category=UserWarning)
            yield from self._parallel(delayed(run_job)(X, Y, task, engine) for task in tasks)


class _DaskExecutor:
    """Runs jobs on a Dask distributed cluster; the data is scattered to every worker once."""

    def __init__(self, scheduler: str | None):
        try:
            import distributed
        except ImportError as error:
            raise ParameterError(
                "The 'backend' parameter is 'dask' but dask.distributed is not installed; "
                "install the [distributed] extra or use backend='loky'."
            ) from error
        if scheduler is None:
            try:
                self.client = distributed.get_client()
            except ValueError as error:
                raise ParameterError(
                    "The 'scheduler' parameter of learning_curves must be the address of a "
                    "Dask scheduler (or a distributed.Client must be active) when "
                    "backend='dask'. Got None instead."
                ) from error
            self._owns_client = False
        else:
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except OSError as error:
                raise ParameterError(
                    f"The Dask scheduler at {scheduler!r} cannot be reached ({error}); check "
                    f"the --scheduler address and that the scheduler is running."
                ) from None
            self._owns_client = True
        self.n_workers = max(1, sum(self.client.nthreads().values()))
        self._data = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._owns_client:
            self.client.close()
        return False

    def bind(self, X, Y, engine):
        X_future, Y_future = self.client.scatter([X, Y], broadcast=True, hash=False)
        self._data = (X_future, Y_future, engine)
        return self

    def map(self, tasks: Sequence[Task]) -> Iterator[dict]:
        from distributed import as_completed

        X, Y, engine = self._data
        futures = [self.client.submit(run_job, X, Y, task, engine, pure=False) for task in tasks]
        for _, result in as_completed(futures, with_results=True):
            yield result


def make_executor(backend: str, jobs: int | None, scheduler: str | None):
    """Return the executor of ``backend`` ("loky" or "dask"), a context manager."""
    return _DaskExecutor(scheduler) if backend == "dask" else _LokyExecutor(jobs)


def in_notebook() -> bool:
    """True inside a Jupyter kernel (stderr is no terminal there, but a bar still shows)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ipython = shell.get_ipython() if hasattr(shell, "get_ipython") else None
    # Jupyter's shell, or one built on it (Colab's, VS Code's)
    return ipython is not None and any(
        cls.__name__ == "ZMQInteractiveShell" for cls in type(ipython).__mro__
    )


def show_progress(requested: bool) -> bool:
    """A bar when asked for and someone watches: a terminal or a notebook, not a log file.

    In a notebook rich draws it as a widget, so only with ipywidgets installed (the
    ``notebook`` extra); without, rich would warn and draw nothing.
    """
    if not requested:
        return False
    if sys.stderr.isatty():
        return True
    return in_notebook() and importlib.util.find_spec("ipywidgets") is not None


class ProgressBar:
    """A rich progress bar on stderr (jobs done / total, elapsed), or nothing."""

    def __init__(self, enabled: bool, total: int):
        self._progress = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("learning curves"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("jobs"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self._task = self._progress.add_task("jobs", total=total)

    def __enter__(self):
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def set_total(self, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=total)
