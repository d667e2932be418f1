"""Which writes give a user a new data version: ORM flushes, and bulk statements run through the session.

Services may write with a single UPDATE, INSERT … VALUES, upsert or DELETE statement rather than objects
(atomic balances, batched prices); the per-user cache must see those by itself, work out whose rows they
touch, and leave other users' answers alone. A write whose owners cannot be known changes everyone's.
"""

import datetime as dt
import decimal

import pytest
import sqlalchemy as sa

from financial_dashboard.assets.models import Asset
from financial_dashboard.common import owners, usercache
from financial_dashboard.extensions import cache, db
from financial_dashboard.goals.models import Contribution, Goal
from financial_dashboard.portfolios.models import Portfolio
from financial_dashboard.prices.models import PriceHistory

EVERYONE = owners.EVERYONE


@pytest.fixture
def rows(app, make_user):
    """Alice and Bob, each with a goal and a portfolio holding one asset with one price."""
    cache.clear()
    ids = {}
    for name in ("alice", "bob"):
        user = make_user(email=f"{name}@example.com")
        goal = Goal(
            user_id=user.id, title="Goal", target_amount=1000, current_savings=10, target_date=dt.date(2030, 1, 1)
        )
        portfolio = Portfolio(user_id=user.id, name="P")
        db.session.add_all([goal, portfolio])
        db.session.flush()
        asset = Asset(
            portfolio_id=portfolio.id, name="A", type="stock", amount_invested=100, purchase_date=dt.date(2024, 1, 2)
        )
        db.session.add(asset)
        db.session.flush()
        price = PriceHistory(asset_id=asset.id, date=dt.date(2024, 1, 2), price=10)
        db.session.add(price)
        db.session.commit()
        ids[name] = {"user": user.id, "goal": goal.id, "portfolio": portfolio.id, "asset": asset.id, "price": price.id}
    db.session.remove()
    return ids


def versions(ids) -> dict:
    """Alice's, Bob's and everyone's current data versions (created if missing)."""
    (alice, everyone), _ = usercache._read(ids["alice"]["user"], "no entry")
    (bob, _), _ = usercache._read(ids["bob"]["user"], "no entry")
    return {"alice": alice, "bob": bob, EVERYONE: everyone}


def changed_by(ids, write) -> set:
    """Whose versions ``write()`` (then a commit) replaced."""
    before = versions(ids)
    write()
    db.session.commit()
    after = versions(ids)
    return {who for who in before if before[who] != after[who]}


def upsert(a):
    """PostgreSQL's or SQLite's INSERT … ON CONFLICT DO UPDATE of one price."""
    module = sa.dialects.postgresql if db.engine.dialect.name == "postgresql" else sa.dialects.sqlite
    statement = module.insert(PriceHistory).values(
        [{"asset_id": a["asset"], "date": dt.date(2024, 1, 2), "price": 14, "source": "manual"}]
    )
    return statement.on_conflict_do_update(
        index_elements=["asset_id", "date"], set_={"price": statement.excluded.price}
    )


STATEMENTS = {
    "ORM UPDATE … WHERE": lambda a: (
        sa.update(Goal).where(Goal.id == a["goal"]).values(current_savings=Goal.current_savings + 1)
    ),
    "table UPDATE … WHERE": lambda a: (
        sa.update(Goal.__table__).where(Goal.__table__.c.id == a["goal"]).values(current_savings=5)
    ),
    "UPDATE of a grandchild": lambda a: sa.update(PriceHistory).where(PriceHistory.id == a["price"]).values(price=11),
    "DELETE … WHERE": lambda a: sa.delete(PriceHistory).where(PriceHistory.asset_id == a["asset"]),
    "DELETE of a parent": lambda a: sa.delete(Portfolio).where(Portfolio.id == a["portfolio"]),
    "INSERT … VALUES (rows)": lambda a: sa.insert(PriceHistory).values(
        [
            {"asset_id": a["asset"], "date": dt.date(2024, 1, 3), "price": 12},
            {"asset_id": a["asset"], "date": dt.date(2024, 1, 4), "price": 13},
        ]
    ),
    "upsert": upsert,
}


@pytest.mark.parametrize("statement", STATEMENTS)
def test_a_bulk_statement_changes_only_its_owners_version(rows, statement):
    assert changed_by(rows, lambda: db.session.execute(STATEMENTS[statement](rows["alice"]))) == {"alice"}


def test_an_orm_bulk_insert_and_a_bulk_update_by_primary_key(rows):
    alice, bob = rows["alice"], rows["bob"]
    contributions = [{"goal_id": bob["goal"], "amount": decimal.Decimal(5), "date": dt.date(2024, 1, 5)}]

    assert changed_by(rows, lambda: db.session.execute(sa.insert(Contribution), contributions)) == {"bob"}
    assert changed_by(
        rows, lambda: db.session.execute(sa.update(PriceHistory), [{"id": alice["price"], "price": 20}])
    ) == {"alice"}


def test_moving_rows_to_another_parent_changes_both_owners(rows):
    alice, bob = rows["alice"], rows["bob"]
    move = sa.update(Asset).where(Asset.id == alice["asset"]).values(portfolio_id=bob["portfolio"])

    assert changed_by(rows, lambda: db.session.execute(move)) == {"alice", "bob"}


@pytest.mark.parametrize(
    "write",
    [
        lambda: db.session.execute(sa.text("UPDATE goals SET current_savings = current_savings + 1")),
        lambda: db.session.execute(sa.update(Goal).values(current_savings=0)),
        lambda: db.session.execute(
            sa.insert(Contribution).from_select(
                ["goal_id", "amount", "date"], sa.select(Goal.id, Goal.current_savings, Goal.target_date)
            )
        ),
    ],
    ids=["raw SQL", "UPDATE without WHERE", "INSERT … SELECT"],
)
def test_a_write_whose_owners_cannot_be_known_changes_everyones_version(rows, write):
    assert EVERYONE in changed_by(rows, write)


def test_orm_objects_created_changed_and_deleted(rows):
    alice, bob = rows["alice"], rows["bob"]

    assert changed_by(
        rows, lambda: db.session.add(PriceHistory(asset_id=bob["asset"], date=dt.date(2024, 2, 1), price=3))
    ) == {"bob"}
    assert changed_by(rows, lambda: setattr(db.session.get(Asset, alice["asset"]), "amount_invested", 7)) == {"alice"}
    assert changed_by(rows, lambda: db.session.delete(db.session.get(PriceHistory, alice["price"]))) == {"alice"}
    assert changed_by(rows, lambda: db.session.get(Goal, bob["goal"])) == set()  # read only


def test_a_rolled_back_write_changes_nothing_but_a_rolled_back_savepoint_keeps_the_earlier_writes(rows):
    alice, bob = rows["alice"], rows["bob"]
    before = versions(rows)
    db.session.get(Goal, alice["goal"]).current_savings = 99
    db.session.flush()
    db.session.rollback()
    assert versions(rows) == before

    def write_then_savepoint():
        db.session.get(Goal, alice["goal"]).current_savings = 99
        db.session.flush()
        savepoint = db.session.begin_nested()
        db.session.get(Goal, bob["goal"]).current_savings = 98
        db.session.flush()
        savepoint.rollback()

    assert "alice" in changed_by(rows, write_then_savepoint)


def test_a_session_holding_uncommitted_changes_computes_rather_than_reads_the_cache(rows):
    alice = rows["alice"]
    answers = iter(range(100))

    def compute():
        return next(answers), None

    first = usercache.cached(alice["user"], "probe", {}, compute)
    assert usercache.cached(alice["user"], "probe", {}, compute) == first  # a hit

    db.session.get(Goal, alice["goal"]).current_savings = 42  # not flushed, not committed
    assert usercache.cached(alice["user"], "probe", {}, compute) != first
    db.session.rollback()
