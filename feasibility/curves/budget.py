"""Running the grid within a time budget: a cost model predicts each job, a plan keeps what fits.

The first :data:`_PROBE_LEVELS` training sizes always run. Then, size by size, the cost
model (time ~ a * n^b per formulation, :class:`CostModel`) predicts the pending jobs and
:func:`_plan` keeps the largest set predicted to finish in the seconds left; a job that is
cut leaves its cell NaN (the fitted curves extrapolate there), and a note names it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .jobs import Task
from .notes import CurveNote, budget_note

__all__ = ["AUTO_BUDGET_SECONDS", "CostModel", "Outcome", "makespan", "run_with_budget"]

#: When ``budget=None`` and the whole grid is predicted to take longer than this, the
#: experiment runs what fits in this many seconds and says so in its notes.
AUTO_BUDGET_SECONDS = 900.0
#: Levels (training sizes) always run before the cost model predicts anything.
_PROBE_LEVELS = 3
#: The cost model's time ~ a * n^b exponent is kept in this range: fits are at least linear
#: in the rows, and a steeper local slope from noisy small fits should not explode.
_COST_EXPONENT_RANGE = (1.0, 2.5)
#: Plans use predictions times this factor: lbfgs needs more iterations as n grows, and the
#: machine may be shared, so a prediction from smaller sizes tends to be short.
_COST_SAFETY = 1.5
#: A planned job at a later size that is predicted to take less than this share of the
#: budget runs at once (the full-size point of a cheap formulation is then never lost to
#: a slower-than-predicted size of an expensive one).
_EAGER_SHARE = 0.025


class CostModel:
    """Predict a job's seconds from the jobs done so far: time ~ a * n^b per formulation.

    The exponent ``b`` is the log-log slope over the (up to) three largest sizes measured,
    kept within [1, 2.5]; the curve passes through the median time at the largest size
    measured, so the prediction is anchored where it matters.

    Examples
    --------
    >>> cost = CostModel()
    >>> for n, seconds in [(100, 0.5), (200, 2.0), (400, 8.0)]:
    ...     cost.observe("powerset", n, seconds)
    >>> round(cost.exponent("powerset"), 6), round(cost.predict("powerset", 800), 6)
    (2.0, 32.0)
    """

    def __init__(self):
        self._seconds: dict[str, dict[int, list[float]]] = {}

    def observe(self, formulation: str, size: int, seconds: float) -> None:
        """Record the wall time of one job."""
        self._seconds.setdefault(formulation, {}).setdefault(int(size), []).append(seconds)

    def _anchor(self, formulation: str) -> tuple[np.ndarray, np.ndarray]:
        by_size = self._seconds.get(formulation, {})
        sizes = np.array(sorted(by_size), dtype=float)
        medians = np.array([np.median(by_size[int(n)]) for n in sizes])
        return sizes, np.maximum(medians, 1e-4)

    def exponent(self, formulation: str) -> float:
        """Return the fitted exponent ``b`` (1 with fewer than two sizes measured)."""
        sizes, seconds = self._anchor(formulation)
        if len(sizes) < 2:
            return _COST_EXPONENT_RANGE[0]
        slope = np.polyfit(np.log(sizes[-3:]), np.log(seconds[-3:]), 1)[0]
        return float(np.clip(slope, *_COST_EXPONENT_RANGE))

    def predict(self, formulation: str, size: int) -> float:
        """Return the predicted seconds of one job (NaN before any measurement)."""
        sizes, seconds = self._anchor(formulation)
        if len(sizes) == 0:
            return math.nan
        return float(seconds[-1] * (size / sizes[-1]) ** self.exponent(formulation))


def makespan(seconds: Sequence[float], n_workers: int) -> float:
    """Return the wall time of running jobs on ``n_workers``, longest first (LPT scheduling).

    Each job, longest first, goes to the worker that is free first (Graham's LPT rule);
    the budget planner predicts the wall time of one training size with it.

    Parameters
    ----------
    seconds : sequence of float
        The predicted seconds of each job.
    n_workers : int
        Parallel workers (below 1 counts as 1).

    Examples
    --------
    >>> makespan([3, 3, 2, 2, 2], 2)
    7.0
    """
    loads = [0.0] * max(1, n_workers)
    for value in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += value
    return max(loads)


@dataclass
class Outcome:
    """What :func:`run_with_budget` ran: job results by ``task_id``, notes and seconds."""

    results: dict[int, dict]
    notes: list[CurveNote]
    seconds: float
    applied_budget: float | None  # the limit that applied (None: none did)
    predicted_grid_seconds: float | None  # after the probe sizes (None: nothing left then)


class _Runner:
    """Runs batches of tasks on an executor and learns their cost as they finish."""

    def __init__(self, tasks: list[Task], executor, bar):
        self.tasks, self.executor, self.bar = tasks, executor, bar
        self.results: dict[int, dict] = {}
        self.cost = CostModel()

    def predict(self, pending: list[Task]) -> dict[int, float]:
        return {t.task_id: self.cost.predict(t.formulation, t.size) for t in pending}

    def run(self, batch: list[Task], predicted: dict[int, float] | None = None) -> None:
        # Longest first packs the workers best; without predictions larger sizes are longer.
        order = sorted(
            batch, key=lambda t: (-(predicted or {}).get(t.task_id, 0.0), -t.size, t.task_id)
        )
        for result in self.executor.map(order):
            self.results[result["task_id"]] = result
            task = self.tasks[result["task_id"]]
            self.cost.observe(task.formulation, task.size, result["seconds"])
            self.bar.advance()


def run_with_budget(tasks: list[Task], *, executor, budget, started: float, bar) -> Outcome:
    """Run the tasks level by level, letting the cost model cut what would not fit.

    Parameters
    ----------
    tasks : list of Task
        The grid, ``tasks[i].task_id == i``.
    executor
        Has ``map(tasks)`` (yielding job results) and ``n_workers``.
    budget : float or None
        Seconds for the whole experiment (counted from ``started``); None for the
        automatic limit :data:`AUTO_BUDGET_SECONDS`, ``math.inf`` to never cut.
    started : float
        ``time.perf_counter()`` when the experiment started.
    bar
        Has ``advance()`` and ``set_total(total)``.
    """
    jobs_started = time.perf_counter()
    runner = _Runner(tasks, executor, bar)
    if budget is not None and math.isinf(budget):
        runner.run(list(tasks))
        return Outcome(runner.results, [], time.perf_counter() - jobs_started, None, None)

    limit = AUTO_BUDGET_SECONDS if budget is None else float(budget)
    levels = sorted({t.level for t in tasks})
    runner.run([t for t in tasks if t.level in levels[:_PROBE_LEVELS]])
    pending = [t for t in tasks if t.task_id not in runner.results]
    predicted_grid = None
    if pending:
        elapsed = time.perf_counter() - started
        predicted = runner.predict(pending)
        remaining = sum(
            makespan(
                [predicted[t.task_id] for t in pending if t.level == level], executor.n_workers
            )
            for level in levels
        )
        predicted_grid = elapsed + remaining
        if predicted_grid <= limit * 0.5:
            # Comfortably inside the limit: one dispatch, no waiting between sizes.
            runner.run(pending, predicted)
            pending = []
    skipped = _run_later_levels(runner, pending, levels[_PROBE_LEVELS:], limit, started)
    notes = []
    if skipped:
        notes.append(
            budget_note(
                skipped,
                tasks,
                budget=budget,
                limit=limit,
                predicted_grid=predicted_grid,
                safety=_COST_SAFETY,
            )
        )
    return Outcome(
        runner.results,
        notes,
        time.perf_counter() - jobs_started,
        limit if skipped or budget is not None else None,
        predicted_grid,
    )


def _run_later_levels(
    runner: _Runner, pending: list[Task], levels: list[int], limit: float, started: float
) -> list[Task]:
    """Run the pending jobs size by size, each time as many as the plan says fit.

    Returns the tasks that were cut.
    """
    tasks = runner.tasks
    skipped: list[Task] = []
    # Runs of a formulation whose job at a smaller size was cut: larger ones are cut too.
    cut_chains: set[tuple[str, int]] = set()
    for level in levels:
        if not pending:
            break
        seconds_left = limit - (time.perf_counter() - started)
        done = {(tasks[i].formulation, tasks[i].run, tasks[i].level) for i in runner.results}
        plan = _plan(
            pending, runner.cost, runner.executor.n_workers, seconds_left, cut_chains, done
        )
        predicted = runner.predict(pending)
        batch = [
            t
            for t in pending
            if t.task_id in plan
            and (t.level == level or _COST_SAFETY * predicted[t.task_id] <= _EAGER_SHARE * limit)
        ]
        for task in pending:
            if task.level == level and task.task_id not in plan:
                skipped.append(task)
                cut_chains.add((task.formulation, task.run))
        runner.bar.set_total(len(runner.results) + len(plan))
        if batch:
            runner.run(batch, predicted)
        pending = [t for t in pending if t.level > level and t.task_id not in runner.results]
    return skipped


def _plan(
    pending, cost: CostModel, n_workers: int, seconds_left: float, cut_chains, done
) -> set[int]:
    """Pick the largest set of pending jobs predicted to fit in ``seconds_left``.

    Jobs of the first repeat of the folds come first, so a short budget cuts the extra
    repeats (which buy power) before it cuts a size; within that, cheapest jobs first
    (which maximises how many jobs run); a job joins only when the
    same run's job at the previous size is done or planned, so every measured curve is a
    prefix of the sizes. The wall time of a plan is the sum over sizes of the LPT
    makespan, since sizes run one after the other; predictions count ``_COST_SAFETY``
    times.
    """
    predicted = {t.task_id: _COST_SAFETY * cost.predict(t.formulation, t.size) for t in pending}
    planned: set[int] = set()
    planned_chain: set[tuple[str, int, int]] = set(done)
    per_level: dict[int, list[float]] = {}
    first_level = min(t.level for t in pending)
    order = sorted(pending, key=lambda t: (t.repeat > 0, predicted[t.task_id], t.level, t.task_id))
    for task in order:
        if (task.formulation, task.run) in cut_chains:
            continue
        if (
            task.level > first_level
            and (task.formulation, task.run, task.level - 1) not in planned_chain
        ):
            continue
        trial = per_level | {task.level: per_level.get(task.level, []) + [predicted[task.task_id]]}
        wall = sum(makespan(v, n_workers) for v in trial.values())
        if wall <= seconds_left:
            per_level = trial
            planned.add(task.task_id)
            planned_chain.add((task.formulation, task.run, task.level))
    return planned
