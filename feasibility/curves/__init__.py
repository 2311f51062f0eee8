"""Learning-curve experiments for the sigmoid, powerset and pruned-powerset formulations.

The experiment is the same for every formulation, so the comparison is fair: K outer
folds by iterative multilabel stratification (Sechidis et al. 2011), repeated with
different seeds; inside each fold a nested, geometric series of training sizes; scaling
fitted on the training rows only; scores on the outer test part. Every (run, formulation,
size) cell is one independent job, run through joblib or a Dask cluster, and every job
limits BLAS (and torch) to one thread so that a seed gives the same numbers whatever the
number of jobs or the backend.

Modules, by concern: :mod:`.options` (:class:`CurveOptions`, the only defaults),
:mod:`.experiment` (:func:`learning_curves`), :mod:`.splits` (folds and sizes),
:mod:`.jobs` (one job), :mod:`.execution` (loky, Dask, progress bar), :mod:`.budget` (cost
model and time budget), :mod:`.assemble` (job results to arrays), :mod:`.results`
(:class:`LearningCurves` and its JSON), :mod:`.cache` and :mod:`.notes` (every note's code
and values; the sentences are the report's).
"""

from ..labelsets import prune_labelsets, unique_rows, unseen_labelset_share
from ..vocab import FORMULATIONS, METRICS
from .budget import AUTO_BUDGET_SECONDS, CostModel
from .cache import CACHE_VERSION, default_cache_dir
from .experiment import learning_curves
from .notes import WARNING_CODES, CurveNote, CurveNoteCode
from .options import BACKENDS, BudgetMode, CurveOptions
from .results import FormulationCurve, LearningCurves, size_moments
from .splits import outer_splits, resolve_train_sizes

__all__ = [
    "AUTO_BUDGET_SECONDS",
    "BACKENDS",
    "CACHE_VERSION",
    "FORMULATIONS",
    "METRICS",
    "WARNING_CODES",
    "BudgetMode",
    "CostModel",
    "CurveNote",
    "CurveNoteCode",
    "CurveOptions",
    "FormulationCurve",
    "LearningCurves",
    "default_cache_dir",
    "learning_curves",
    "outer_splits",
    "prune_labelsets",
    "resolve_train_sizes",
    "size_moments",
    "unique_rows",
    "unseen_labelset_share",
]
