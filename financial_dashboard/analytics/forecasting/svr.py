"""``svr``: a support vector regression (RBF kernel) on the indicator features, predicting the next return."""

from __future__ import annotations

import numpy as np

from . import register
from .features import FEATURES
from .regression import FeatureRegressor


@register("svr")
class SupportVectorRegression(FeatureRegressor):
    label = "SVR"
    description = (
        "Support vector regression (scikit-learn, RBF kernel, scaled features and target) on lagged "
        "returns, RSI, MACD, Bollinger %B, momentum and volume change, predicting the next daily "
        "return; multi-day forecasts are recursive."
    )

    def __init__(self, seed=42, weekdays_only=True, c=1.0, epsilon=0.1, refit_every=1):
        super().__init__(seed, weekdays_only)
        self.c, self.epsilon = c, epsilon
        self.refit_every = refit_every

    def options(self):
        return {"c": self.c, "epsilon": self.epsilon, "refit_every": self.refit_every}

    def build_pipeline(self):
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVR

        # Standardised features have unit variance, so this is gamma="scale", written out for _predict_step.
        svr = SVR(kernel="rbf", C=self.c, epsilon=self.epsilon, gamma=1.0 / len(FEATURES))
        # Daily returns are around 0.01: scaled to unit variance, so that epsilon and C mean the same for any stock.
        return TransformedTargetRegressor(regressor=make_pipeline(StandardScaler(), svr), transformer=StandardScaler())

    def _fitted(self):
        scaler, svr = self.pipeline.regressor_[0], self.pipeline.regressor_[-1]
        target = self.pipeline.transformer_
        self._mean, self._scale = scaler.mean_, scaler.scale_
        self._vectors, self._coef, self._intercept = svr.support_vectors_, svr.dual_coef_[0], svr.intercept_[0]
        self._gamma, self._y_mean, self._y_scale = svr.gamma, target.mean_[0], target.scale_[0]

    def _predict_step(self, x):
        scaled = (x - self._mean) / self._scale
        distances = ((scaled[:, None, :] - self._vectors[None, :, :]) ** 2).sum(axis=2)
        value = np.exp(-self._gamma * distances) @ self._coef + self._intercept
        return value * self._y_scale + self._y_mean

    def info(self):
        return {**super().info(), "c": self.c, "epsilon": self.epsilon}
