"""The model registry: lookup by name, availability without importing libraries, and its errors."""

import subprocess
import sys

import pytest

from financial_dashboard.analytics import forecasting
from financial_dashboard.analytics.forecasting import (
    ForecastModel,
    ModelUnavailable,
    UnknownModel,
    create_model,
    get_model_class,
    register,
)


def test_every_model_of_the_issue_is_registered_baselines_first():
    assert forecasting.model_names() == ["naive", "drift", "lstm", "random_forest", "svr"]
    for name in forecasting.model_names():
        cls = get_model_class(name)
        assert cls.name == name and cls.description and cls.label


def test_unknown_model_names_the_known_ones():
    with pytest.raises(UnknownModel) as raised:
        get_model_class("prophet")
    assert "naive" in raised.value.message and "lstm" in raised.value.message


def test_a_name_cannot_be_taken_twice_and_only_models_register():
    with pytest.raises(ValueError, match="already taken"):
        register("naive")(type("Other", (ForecastModel,), {}))
    with pytest.raises(TypeError):
        register("thing")(object)


def test_a_model_whose_library_is_missing_is_listed_but_not_created(monkeypatch):
    lstm = get_model_class("lstm")
    monkeypatch.setattr(lstm, "enabled", classmethod(lambda cls: False))

    assert "lstm" not in forecasting.available_models()
    with pytest.raises(ModelUnavailable):
        create_model("lstm")


def test_importing_the_package_imports_neither_scikit_learn_nor_tensorflow():
    code = (
        "import sys, financial_dashboard.analytics.forecasting as f; f.available_models(); "
        "print(sorted(m for m in ('sklearn', 'tensorflow', 'keras') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
