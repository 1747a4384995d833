"""Per-case feature contributions of a histogram gradient-boosting model (Saabas path attribution).

Each split on a case's path moves the tree's expected value from the parent node to the child; that move is
credited to the split's feature. Contributions add up exactly to the raw score minus the average raw score,
so on the log-odds scale ``raw = bias + sum(contributions)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier


@dataclass(frozen=True)
class _Tree:
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    is_leaf: np.ndarray
    expected: np.ndarray


def _expected_values(nodes: np.ndarray) -> np.ndarray:
    """Count-weighted mean of the leaf values under each node (children always follow their parent)."""
    expected = np.where(nodes["is_leaf"] == 1, nodes["value"], 0.0).astype("float64")
    count = nodes["count"].astype("float64")
    for i in range(len(nodes) - 1, -1, -1):
        if not nodes["is_leaf"][i]:
            left, right = nodes["left"][i], nodes["right"][i]
            total = count[left] + count[right]
            expected[i] = (expected[left] * count[left] + expected[right] * count[right]) / max(total, 1.0)
    return expected


class TreeExplainer:
    """Path attributions for one fitted :class:`HistGradientBoostingClassifier` (binary, numeric features)."""

    def __init__(self, model: HistGradientBoostingClassifier) -> None:
        self.trees = []
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            self.trees.append(
                _Tree(
                    feature=nodes["feature_idx"].astype("int64"),
                    threshold=nodes["num_threshold"].astype("float64"),
                    left=nodes["left"].astype("int64"),
                    right=nodes["right"].astype("int64"),
                    missing_left=nodes["missing_go_to_left"].astype(bool),
                    is_leaf=nodes["is_leaf"].astype(bool),
                    expected=_expected_values(nodes),
                )
            )
        self.bias = float(np.ravel(model._baseline_prediction)[0]) + sum(float(t.expected[0]) for t in self.trees)
        self.n_features = int(model.n_features_in_)

    def contributions(self, row: np.ndarray) -> np.ndarray:
        """Log-odds contribution of every feature for one case.

        Args:
            row: The case's feature values, in the model's feature order.

        Returns:
            One contribution per feature; ``bias + sum`` equals the model's raw score for the case.
        """
        out = np.zeros(self.n_features)
        for tree in self.trees:
            node = 0
            while not tree.is_leaf[node]:
                value = row[tree.feature[node]]
                go_left = tree.missing_left[node] if np.isnan(value) else value <= tree.threshold[node]
                child = tree.left[node] if go_left else tree.right[node]
                out[tree.feature[node]] += tree.expected[child] - tree.expected[node]
                node = child
        return out
