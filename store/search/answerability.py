"""The answerability model: P(this passage answers this question) from general features.

A logistic regression trained by ``python -m benchmarks.qa_train`` on questions generated from
the corpus (benchmarks/qa_generate.py). Its weights, the features' scaling and the operating
point picked on the validation split live in ``answerability.txt`` beside this module (plain
text, one ``name value`` per line), applied here with numpy: scikit-learn is only needed to
train.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from store.search.features import NAMES

WEIGHTS_FILE = Path(__file__).with_name("answerability.txt")


@dataclass(frozen=True)
class Model:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, x: list[float]) -> float:
        z = float(((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef) + self.intercept
        return float(1.0 / (1.0 + np.exp(-z)))

    def answers(self, x: list[float]) -> bool:
        return self.probability(x) >= self.threshold


def parse(text: str) -> Model:
    """Read the weights file: "threshold t", "intercept b", then "<feature> <mean> <scale> <coef>"."""
    values: dict[str, list[float]] = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            values[parts[0]] = [float(p) for p in parts[1:]]
    missing = [n for n in NAMES if n not in values]
    if missing:
        raise ValueError(f"answerability weights lack features: {missing}")
    rows = np.asarray([values[n] for n in NAMES], dtype=np.float64)
    return Model(rows[:, 0], np.where(rows[:, 1] > 0, rows[:, 1], 1.0), rows[:, 2], values["intercept"][0],
                 values["threshold"][0])


@lru_cache(maxsize=1)
def model() -> Model:
    return parse(WEIGHTS_FILE.read_text(encoding="utf-8"))
