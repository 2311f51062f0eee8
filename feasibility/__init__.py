"""feasibility: sigmoid or powerset? Measure a multilabel dataset before modelling it.

The pipeline, one stage per module::

    dataset = load("emotions")            # feasibility.io
    label_profile = profile(dataset)      # feasibility.profile
"""

from .dataset import MultilabelDataset
from .errors import DatasetError, FeasibilityError, FeasibilityWarning, ParameterError
from .io import load
from .profile import LabelProfile, profile

__all__ = [
    "load",
    "profile",
    "LabelProfile",
    "MultilabelDataset",
    "DatasetError",
    "FeasibilityError",
    "FeasibilityWarning",
    "ParameterError",
]
__version__ = "0.1.0"
