"""`flask predictions train` and `flask predictions backtest`."""

from financial_dashboard.extensions import db
from financial_dashboard.predictions.models import ForecastModelRecord


def test_backtest_all_prints_every_model_against_naive(runner, trainings):
    result = runner.invoke(args=["predictions", "backtest", "AAPL", "--model", "all", "--days", "5"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "AAPL: 503 daily closes up to 2013-03-01, sample data (bundled 2000–2013)"
    assert lines[1].startswith("5-day forecasts scored on 60 origins, ") and lines[1].endswith("to 2013-02-22:")
    assert lines[2].split() == ["model", "MAE", "RMSE", "MAPE", "%", "dir", "%", "MASE", "vs", "naive"]
    table = [line.split()[0] for line in lines[4:8]]
    assert table == ["naive", "drift", "random_forest", "svr"] and lines[4].endswith("baseline")
    assert "Naive: Over the last 60 trading days assuming no change missed the 5-day close" in result.output
    assert "Note: Sample data" in result.output and trainings.count() == 4


def test_backtest_of_one_model_puts_naive_beside_it_and_reuses_stored_trainings(runner, trainings):
    runner.invoke(args=["predictions", "backtest", "MSFT", "--model", "svr"])
    result = runner.invoke(args=["predictions", "backtest", "MSFT", "--model", "svr", "--days", "9"])

    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()[4:6]] == ["naive", "svr"]
    assert trainings.count() == 2  # naive and svr, once


def test_train_replaces_the_stored_training_and_prints_the_forecast(runner, trainings):
    runner.invoke(args=["predictions", "train", "IBM", "--model", "random_forest"])
    result = runner.invoke(args=["predictions", "train", "IBM", "--model", "random_forest"])

    assert result.exit_code == 0, result.output
    assert "Trained random_forest in" in result.output and "2013-03-04" in result.output
    assert trainings.count() == 2 and len(db.session.scalars(db.select(ForecastModelRecord)).all()) == 1


def test_mistakes_are_reported_without_a_traceback(runner):
    unknown = runner.invoke(args=["predictions", "backtest", "ZZZZ"])
    assert unknown.exit_code == 1 and "The sample data has no ZZZZ" in unknown.output
    model = runner.invoke(args=["predictions", "train", "AAPL", "--model", "prophet"])
    assert model.exit_code == 1 and "Unknown model 'prophet'" in model.output
