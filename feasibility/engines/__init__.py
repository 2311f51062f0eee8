"""Engines that train the two output heads: scikit-learn (always there) and PyTorch (optional).

Importing this package never imports torch; :func:`torch_available` only looks for it.
"""

from __future__ import annotations

import importlib.util

from ..errors import ParameterError, invalid_parameter
from ..vocab import MODEL_FAMILIES
from .base import Engine, FittedHead
from .sklearn_engine import SklearnEngine

__all__ = [
    "ENGINES",
    "MODELS",
    "AUTO_TORCH_MIN_CLASSES",
    "Engine",
    "FittedHead",
    "SklearnEngine",
    "get_engine",
    "torch_available",
]

ENGINES: tuple[str, ...] = ("auto", "sklearn", "torch")
MODELS: tuple[str, ...] = MODEL_FAMILIES
#: ``engine="auto"`` picks torch (when installed) above this many powerset classes: there
#: lbfgs on a softmax with hundreds of outputs starts to cost minutes per fit.
AUTO_TORCH_MIN_CLASSES = 300


def torch_available() -> bool:
    """Return whether PyTorch can be imported (without importing it).

    Examples
    --------
    >>> isinstance(torch_available(), bool)
    True
    """
    return importlib.util.find_spec("torch") is not None


def get_engine(
    name: str = "auto",
    model: str = "linear",
    *,
    hidden_layer_sizes: tuple[int, ...] = (100,),
    n_classes: int | None = None,
) -> Engine:
    """Return the engine that trains both heads.

    Parameters
    ----------
    name : {"auto", "sklearn", "torch"}, default="auto"
        ``"auto"`` is ``"torch"`` when torch is installed and the powerset has more than
        :data:`AUTO_TORCH_MIN_CLASSES` classes, otherwise ``"sklearn"``.
    model : {"linear", "mlp"}, default="linear"
        Logistic regression heads, or a network with ``hidden_layer_sizes`` under both.
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers for ``model="mlp"`` (ignored for ``"linear"``).
    n_classes : int or None, default=None
        Number of powerset classes (distinct labelsets); only ``"auto"`` uses it.

    Returns
    -------
    Engine

    Raises
    ------
    ParameterError
        For an unknown name or model, or ``"torch"`` when torch is not installed.

    Examples
    --------
    >>> get_engine("sklearn", "linear").name
    'sklearn-linear'
    >>> get_engine("auto", "linear", n_classes=12).name
    'sklearn-linear'
    """
    if name not in ENGINES:
        raise invalid_parameter("engine", "get_engine", f"one of {list(ENGINES)}", name)
    if model not in MODELS:
        raise invalid_parameter("model", "get_engine", f"one of {list(MODELS)}", model)
    hidden = tuple(hidden_layer_sizes) if model == "mlp" else ()
    if name == "auto":
        many_classes = n_classes is not None and n_classes > AUTO_TORCH_MIN_CLASSES
        name = "torch" if many_classes and torch_available() else "sklearn"
    if name == "torch":
        if not torch_available():
            raise ParameterError(
                "The 'engine' parameter is 'torch' but PyTorch is not installed; install the "
                "CPU build (pip install torch --index-url https://download.pytorch.org/whl/cpu) "
                "or use engine='sklearn'."
            )
        from .torch_engine import TorchEngine

        return TorchEngine(hidden_layer_sizes=hidden)
    return SklearnEngine(model, hidden_layer_sizes=hidden or (100,))
