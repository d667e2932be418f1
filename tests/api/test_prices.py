"""Price history over the API: upsert one or many by date, list by date range, update, delete."""

import pytest


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == status
    return response.json["error"]


@pytest.fixture
def asset(api):
    portfolio = api.post("/api/portfolios", json={"name": "Main"}).json["id"]
    return api.post(
        f"/api/portfolios/{portfolio}/assets",
        json={"name": "Apple", "type": "stock", "amount_invested": "1000", "purchase_date": "2024-01-02"},
    ).json["id"]


def prices_url(asset_id, query=""):
    return f"/api/assets/{asset_id}/prices" + (f"?{query}" if query else "")


def listed(api, asset_id, query=""):
    response = api.get(prices_url(asset_id, query))
    assert response.status_code == 200, response.json
    return [(p["date"], str(p["price"])) for p in response.json["items"]]


def test_post_one_price_answers_201_with_location(api, asset):
    response = api.post(prices_url(asset), json={"date": "2024-02-01", "price": "187.5"})

    assert response.status_code == 201, response.json
    price = response.json
    assert set(price) == {"id", "asset_id", "date", "price", "source"}
    assert price["source"] == "manual"
    assert (price["asset_id"], price["date"], str(price["price"])) == (asset, "2024-02-01", "187.5")
    assert response.headers["Location"].endswith(f"/api/assets/{asset}/prices/{price['id']}")
    assert api.get(response.headers["Location"]).json == price


def test_post_on_a_date_that_has_a_price_updates_it_with_200(api, asset, count_rows):
    first = api.post(prices_url(asset), json={"date": "2024-02-01", "price": "187.5"}).json

    response = api.post(prices_url(asset), json={"date": "2024-02-01", "price": "190"})

    assert response.status_code == 200, response.json
    assert response.json == {**first, "price": 190}
    assert response.headers["Location"].endswith(f"/prices/{first['id']}")
    assert count_rows("price_history") == 1
    assert listed(api, asset) == [("2024-02-01", "190")]


def test_post_a_list_of_three_in_one_request(api, asset, count_rows):
    response = api.post(
        prices_url(asset),
        json=[
            {"date": "2024-01-03", "price": "3"},
            {"date": "2024-01-01", "price": "1"},
            {"date": "2024-01-02", "price": "2"},
        ],
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["created"], body["updated"]) == (3, 0)
    assert [(p["date"], p["price"]) for p in body["items"]] == [("2024-01-01", 1), ("2024-01-02", 2), ("2024-01-03", 3)]
    assert count_rows("price_history") == 3


def test_a_list_mixing_new_and_known_dates_upserts_each(api, asset, count_rows):
    api.post(prices_url(asset), json=[{"date": "2024-01-01", "price": "1"}, {"date": "2024-01-02", "price": "2"}])

    mixed = api.post(
        prices_url(asset), json=[{"date": "2024-01-02", "price": "20"}, {"date": "2024-01-03", "price": "30"}]
    )
    known = api.post(prices_url(asset), json=[{"date": "2024-01-01", "price": "10"}])

    assert mixed.status_code == 201 and (mixed.json["created"], mixed.json["updated"]) == (1, 1)
    assert known.status_code == 200 and (known.json["created"], known.json["updated"]) == (0, 1)
    assert listed(api, asset) == [("2024-01-01", "10"), ("2024-01-02", "20"), ("2024-01-03", "30")]
    assert count_rows("price_history") == 3


def test_list_is_ordered_by_date_and_filtered_by_from_and_to_inclusive(api, asset):
    for day in ("05", "01", "04", "02", "03"):
        api.post(prices_url(asset), json={"date": f"2024-03-{day}", "price": day})

    assert [d for d, _ in listed(api, asset)] == [f"2024-03-0{i}" for i in range(1, 6)]
    assert [d for d, _ in listed(api, asset, "from=2024-03-02")] == [
        "2024-03-02",
        "2024-03-03",
        "2024-03-04",
        "2024-03-05",
    ]
    assert [d for d, _ in listed(api, asset, "to=2024-03-02")] == ["2024-03-01", "2024-03-02"]
    assert [d for d, _ in listed(api, asset, "from=2024-03-02&to=2024-03-04")] == [
        "2024-03-02",
        "2024-03-03",
        "2024-03-04",
    ]
    assert listed(api, asset, "from=2024-03-03&to=2024-03-03") == [("2024-03-03", "3")]
    page = api.get(prices_url(asset, "from=2024-03-02&per_page=2&page=2")).json
    assert ([p["date"] for p in page["items"]], page["total"]) == (["2024-03-04", "2024-03-05"], 4)


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=2024-03-05&to=2024-03-01", "to"),
        ("from=2024-02-30", "from"),
        ("to=yesterday", "to"),
        ("per_page=101", "per_page"),
    ],
)
def test_list_rejects_bad_query_parameters(api, asset, query, field):
    assert field in assert_error(api.get(prices_url(asset, query)), 400)["fields"]


def test_a_list_with_a_duplicate_date_is_rejected_and_nothing_is_written(api, asset, count_rows):
    error = assert_error(
        api.post(
            prices_url(asset),
            json=[
                {"date": "2024-01-01", "price": "1"},
                {"date": "2024-01-02", "price": "2"},
                {"date": "2024-01-01", "price": "3"},
            ],
        ),
        400,
    )

    assert error["fields"]["date"] == ["Duplicate date 2024-01-01."]
    assert count_rows("price_history") == 0


def test_a_list_with_one_invalid_row_is_rejected_and_nothing_is_written(api, asset, count_rows):
    api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"})

    error = assert_error(
        api.post(
            prices_url(asset),
            json=[
                {"date": "2024-01-01", "price": "100"},
                {"date": "2024-01-02", "price": "-2"},
                {"date": "2024-01-03", "price": "3"},
            ],
        ),
        400,
    )

    assert set(error["fields"]) == {"1"} and "price" in error["fields"]["1"]
    assert count_rows("price_history") == 1
    assert listed(api, asset) == [("2024-01-01", "1")]


def test_an_empty_list_is_rejected(api, asset):
    assert_error(api.post(prices_url(asset), json=[]), 400)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"date": "2024-01-01"}, "price"),
        ({"price": "1"}, "date"),
        ({"date": "2024-01-01", "price": "0"}, "price"),
        ({"date": "2024-01-01", "price": "-1"}, "price"),
        ({"date": "2024-01-01", "price": "0.000000001"}, "price"),
        ({"date": "2024-02-30", "price": "1"}, "date"),
        ({"date": "tomorrow", "price": "1"}, "date"),
        ({"date": "2024-01-01", "price": "1", "volume": 10}, "volume"),
    ],
)
def test_post_rejects_invalid_fields(api, asset, count_rows, body, field):
    assert field in assert_error(api.post(prices_url(asset), json=body), 400)["fields"]
    assert count_rows("price_history") == 0


def test_post_on_a_missing_asset_answers_404(api):
    assert (
        assert_error(api.post(prices_url(777), json={"date": "2024-01-01", "price": "1"}), 404)["description"]
        == "Asset 777 does not exist."
    )


def test_patch_changes_the_price_or_moves_it_to_a_free_date(api, asset):
    price = api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"}).json
    url = f"{prices_url(asset)}/{price['id']}"

    assert api.patch(url, json={"price": "1.5"}).json == {**price, "price": 1.5}
    assert api.patch(url, json={"date": "2024-01-05"}).json["date"] == "2024-01-05"
    assert listed(api, asset) == [("2024-01-05", "1.5")]


def test_patch_onto_a_date_that_has_a_price_answers_400_and_changes_nothing(api, asset):
    first = api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"}).json
    second = api.post(prices_url(asset), json={"date": "2024-01-02", "price": "2"}).json

    response = api.patch(f"{prices_url(asset)}/{second['id']}", json={"date": "2024-01-01", "price": "9"})

    error = assert_error(response, 400)

    assert "date" in error["fields"]
    assert listed(api, asset) == [("2024-01-01", "1"), ("2024-01-02", "2")]
    assert api.get(f"{prices_url(asset)}/{first['id']}").json == first
    assert api.patch(f"{prices_url(asset)}/{second['id']}", json={"price": "3"}).status_code == 200


@pytest.mark.parametrize("body", [{"price": "0"}, {"date": None}, {"date": "2024-13-01"}, {"asset_id": 5}])
def test_patch_rejects_invalid_fields(api, asset, body):
    price = api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"}).json

    assert_error(api.patch(f"{prices_url(asset)}/{price['id']}", json=body), 400)

    assert api.get(f"{prices_url(asset)}/{price['id']}").json == price


def test_delete_removes_one_price(api, asset, count_rows):
    doomed = api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"}).json["id"]
    api.post(prices_url(asset), json={"date": "2024-01-02", "price": "2"})

    response = api.delete(f"{prices_url(asset)}/{doomed}")

    assert response.status_code == 204 and response.data == b""
    assert (
        assert_error(api.get(f"{prices_url(asset)}/{doomed}"), 404)["description"] == f"Price {doomed} does not exist."
    )
    assert_error(api.delete(f"{prices_url(asset)}/{doomed}"), 404)
    assert listed(api, asset) == [("2024-01-02", "2")]
    assert count_rows("price_history") == 1


def test_a_price_is_only_reachable_through_its_own_asset(api, asset):
    portfolio = api.get(f"/api/assets/{asset}").json["portfolio_id"]
    other = api.post(
        f"/api/portfolios/{portfolio}/assets",
        json={"name": "Other", "type": "etf", "amount_invested": "1", "purchase_date": "2024-01-02"},
    ).json["id"]
    price = api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"}).json

    assert_error(api.get(f"{prices_url(other)}/{price['id']}"), 404)
    assert_error(api.patch(f"{prices_url(other)}/{price['id']}", json={"price": "2"}), 404)
    assert_error(api.delete(f"{prices_url(other)}/{price['id']}"), 404)
    assert api.get(f"{prices_url(asset)}/{price['id']}").json == price


def tomorrow():
    import datetime as dt

    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31", "tomorrow"])
def test_price_dates_are_bounded_like_the_other_dates(api, asset, count_rows, day):
    day = tomorrow() if day == "tomorrow" else day
    kept = api.post(prices_url(asset), json={"date": "2024-01-01", "price": "1"}).json

    single = assert_error(api.post(prices_url(asset), json={"date": day, "price": "1"}), 400)
    many = assert_error(
        api.post(prices_url(asset), json=[{"date": "2024-01-02", "price": "1"}, {"date": day, "price": "1"}]), 400
    )
    patched = assert_error(api.patch(f"{prices_url(asset)}/{kept['id']}", json={"date": day}), 400)

    assert "date" in single["fields"] and "date" in many["fields"]["1"] and "date" in patched["fields"]
    assert listed(api, asset) == [("2024-01-01", "1")]
    assert count_rows("price_history") == 1


def test_a_price_dated_1900_or_today_is_accepted(api, asset):
    import datetime as dt

    today = dt.datetime.now(dt.UTC).date().isoformat()
    response = api.post(prices_url(asset), json=[{"date": "1900-01-01", "price": "1"}, {"date": today, "price": "2"}])

    assert response.status_code == 201, response.json
    assert [d for d, _ in listed(api, asset)] == ["1900-01-01", today]
