"""``random_forest``: a scikit-learn random forest on the indicator features, predicting the next return."""

from __future__ import annotations

import numpy as np

from . import register
from .regression import FeatureRegressor


@register("random_forest")
class RandomForest(FeatureRegressor):
    label = "Random forest"
    description = (
        "Random forest (scikit-learn, scaled features) on lagged returns, RSI, MACD, Bollinger %B, "
        "momentum and volume change, predicting the next daily return; multi-day forecasts are "
        "recursive, each predicted close feeding the next day's features."
    )

    # Refitted every 5 backtest origins: a forest costs ~0.1 s to fit, 89 of them would blow the 3 s budget.
    def __init__(
        self, seed=42, weekdays_only=True, trees=50, max_depth=6, min_leaf=10, max_features=0.33, refit_every=5
    ):
        super().__init__(seed, weekdays_only)
        self.trees, self.max_depth, self.min_leaf, self.max_features = trees, max_depth, min_leaf, max_features
        self.refit_every = refit_every

    def options(self):
        return {
            "trees": self.trees,
            "max_depth": self.max_depth,
            "min_leaf": self.min_leaf,
            "max_features": self.max_features,
            "refit_every": self.refit_every,
        }

    def build_pipeline(self):
        from sklearn.ensemble import RandomForestRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        forest = RandomForestRegressor(
            n_estimators=self.trees,
            max_depth=self.max_depth,
            max_features=self.max_features,
            min_samples_leaf=self.min_leaf,
            random_state=self.seed,
            n_jobs=1,
        )
        return make_pipeline(StandardScaler(), forest)

    def _fitted(self):
        scaler, forest = self.pipeline[0], self.pipeline[-1]
        self._mean, self._scale, self._trees = scaler.mean_, scaler.scale_, forest.estimators_

    def _predict_step(self, x):
        # Trees split on float32, as RandomForestRegressor.predict converts its input.
        scaled = np.ascontiguousarray((x - self._mean) / self._scale, dtype=np.float32)
        return np.mean([tree.predict(scaled, check_input=False) for tree in self._trees], axis=0)

    def info(self):
        return {**super().info(), "trees": self.trees, "max_depth": self.max_depth}
