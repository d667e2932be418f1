"""``lstm``: a two-layer LSTM (Keras on TensorFlow) on a window of recent closes, predicting the next return.

TensorFlow is imported here, on the first fit or load, and nowhere else: starting the app and every
other model stay light. The input is the last ``look_back`` log closes relative to the newest one, scaled
by the typical daily move; the target is the next log return in the same units. The look-back window is
a tenth of the closes the model first trains on, between 10 and 60. Training stops early when the loss on
a validation split taken from the end of the training data stops improving, and keeps the best weights.
A refit (the backtest's expanding window, and the final model) continues from the weights learned so far
for a few epochs instead of starting over. Inference is one ``tf.function`` with a fixed input signature
that runs the whole recursive forecast in a graph loop: a 30-day forecast is one call, traced once.
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from . import register
from .base import ForecastModel

_tf = None


def adaptive_look_back(closes: int) -> int:
    """The input window: a tenth of the closes the model first trains on, between 10 and 60."""
    return int(np.clip(closes // 10, 10, 60))


def tensorflow():
    """TensorFlow, imported once, quiet and deterministic."""
    global _tf
    if _tf is None:
        # Silent C++ side: tf.data logs harmless version notes as errors.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN reorders float sums between runs
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        tf.config.experimental.enable_op_determinism()
        _tf = tf
    return _tf


@register("lstm")
class Lstm(ForecastModel):
    label = "LSTM"
    description = (
        "Two LSTM layers with dropout (Keras on TensorFlow) over a look-back window of scaled closes, "
        "predicting the next daily return, with early stopping on the most recent part of the "
        "training data; multi-day forecasts are recursive, each predicted close joining the window."
    )
    heavy = True
    min_train = 60

    def __init__(
        self,
        seed=42,
        weekdays_only=True,
        units=(32, 16),
        dropout=0.2,
        epochs=40,
        refit_epochs=5,
        patience=5,
        batch_size=32,
        validation=0.15,
        learning_rate=1e-3,
        look_back=None,
        refit_every=45,
    ):
        super().__init__(seed, weekdays_only)
        self.units, self.dropout, self.epochs, self.refit_epochs = tuple(units), dropout, epochs, refit_epochs
        self.patience, self.batch_size, self.validation = patience, batch_size, validation
        self.learning_rate, self.look_back, self.refit_every = learning_rate, look_back, refit_every
        self.net = self._step = None
        self.scale = None
        self.epochs_run = 0
        self.samples = 0

    @classmethod
    def enabled(cls):
        return importlib.util.find_spec("tensorflow") is not None

    def options(self):
        return {
            "units": list(self.units),
            "dropout": self.dropout,
            "epochs": self.epochs,
            "refit_epochs": self.refit_epochs,
            "patience": self.patience,
            "batch_size": self.batch_size,
            "validation": self.validation,
            "learning_rate": self.learning_rate,
            "look_back": self.look_back,
            "refit_every": self.refit_every,
        }

    # --- data ---
    def _windows(self):
        """Training windows and targets from the fitted closes: x (samples, look_back, 1), y (samples,)."""
        logs = np.log(self.closes.to_numpy())
        lb = self.look_back
        ends = np.arange(lb - 1, len(logs) - 1)
        windows = np.stack([logs[end - lb + 1 : end + 1] for end in ends])
        x = self._scaled(windows)
        y = (logs[ends + 1] - logs[ends]) / self.scale
        return x, y.astype("float32")

    def _scaled(self, windows):
        return ((windows - windows[:, -1:]) / (self.scale * np.sqrt(self.look_back)))[..., None].astype("float32")

    # --- fitting ---
    def _fit(self, progress):
        tf = tensorflow()
        if self.look_back is None:
            self.look_back = adaptive_look_back(len(self.closes))
        returns = np.diff(np.log(self.closes.to_numpy()))
        self.scale = float(np.std(returns)) or 1e-4
        tf.keras.utils.set_random_seed(self.seed)
        self.net = self._build()
        self._train(self.epochs, self.patience, progress, "fit")

    def refit(self, closes, features=None, progress=None):
        if self.net is None:
            return self.fit(closes, features, progress)
        self._remember(closes, features)
        tensorflow().keras.utils.set_random_seed(self.seed + len(closes))
        self._train(self.refit_epochs, max(2, self.patience // 2), progress, "refit")
        return self

    def _build(self):
        keras = tensorflow().keras
        inputs = keras.Input(shape=(self.look_back, 1))
        x = keras.layers.LSTM(self.units[0], return_sequences=True)(inputs)
        x = keras.layers.Dropout(self.dropout)(x)
        x = keras.layers.LSTM(self.units[1])(x)
        x = keras.layers.Dropout(self.dropout)(x)
        net = keras.Model(inputs, keras.layers.Dense(1)(x))
        net.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss="mse")
        self._step = None
        return net

    def _train(self, epochs, patience, progress, stage):
        keras = tensorflow().keras
        x, y = self._windows()
        self.samples = len(y)
        callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]
        if progress is not None:
            callbacks.append(
                keras.callbacks.LambdaCallback(
                    on_epoch_end=lambda epoch, logs: progress(
                        {"stage": stage, "epoch": epoch + 1, "epochs": epochs, "loss": float(logs.get("loss", 0.0))}
                    )
                )
            )
        # validation_split takes the last part of the data, before shuffling: the most recent windows.
        history = self.net.fit(
            x,
            y,
            epochs=epochs,
            batch_size=self.batch_size,
            validation_split=self.validation,
            shuffle=True,
            callbacks=callbacks,
            verbose=0,
        )
        self.epochs_run += len(history.history.get("loss", ()))

    # --- forecasting ---
    def _predictor(self):
        """The whole recursive forecast as one graph: windows (batch, look_back) in, returns (batch, steps) out."""
        if self._step is None:
            tf = tensorflow()
            net, norm, scale = self.net, self.scale * np.sqrt(self.look_back), self.scale

            # One trace for every batch size and horizon: a fixed signature, float32, a graph loop rather
            # than one eager call per day. The window holds log closes relative to its newest close (small
            # numbers, exact enough in float32); appending a return r shifts every entry by -r.
            @tf.function(
                input_signature=[tf.TensorSpec([None, self.look_back], tf.float32), tf.TensorSpec([], tf.int32)]
            )
            def roll(window, steps):
                out = tf.TensorArray(tf.float32, size=steps)
                for i in tf.range(steps):
                    r = net(window[:, :, None] / norm, training=False)[:, 0] * scale
                    out = out.write(i, r)
                    window = tf.concat([window[:, 1:], tf.zeros_like(window[:, :1])], axis=1) - r[:, None]
                return tf.transpose(out.stack())

            self._step = roll
        return self._step

    def _predict_returns(self, ends, steps):
        if np.any(ends < self.look_back - 1):
            raise ValueError("Every origin needs a full look-back window before it.")
        logs = np.log(self.closes.to_numpy())
        windows = np.stack([logs[end - self.look_back + 1 : end + 1] - logs[end] for end in ends])
        return self._predictor()(windows.astype("float32"), np.int32(steps)).numpy().astype("float64")

    def info(self):
        return {
            **super().info(),
            "training_samples": self.samples,
            "look_back": self.look_back,
            "epochs": self.epochs_run,
            "max_epochs": self.epochs,
            "units": list(self.units),
        }

    # --- storage ---
    def _state_arrays(self):
        return {f"weight_{i}": w for i, w in enumerate(self.net.get_weights())}

    def _state_meta(self):
        return {**super()._state_meta(), "scale": self.scale, "epochs_run": self.epochs_run, "samples": self.samples}

    def _restore(self, meta, arrays):
        self.scale, self.epochs_run, self.samples = meta["scale"], meta["epochs_run"], meta["samples"]
        self.net = self._build()
        self.net.set_weights([arrays[f"weight_{i}"] for i in range(len(arrays))])
