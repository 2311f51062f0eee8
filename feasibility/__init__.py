"""feasibility: sigmoid or powerset? Measure a multilabel dataset before modelling it.

The pipeline, one stage per module::

    dataset = load("emotions")            # feasibility.io
"""

from .dataset import MultilabelDataset
from .errors import DatasetError, FeasibilityError, FeasibilityWarning, ParameterError
from .io import load

__all__ = [
    "load",
    "MultilabelDataset",
    "DatasetError",
    "FeasibilityError",
    "FeasibilityWarning",
    "ParameterError",
]
__version__ = "0.1.0"
