"""market bar currency, market dividends, exchange-qualified sources

Bars now record their currency (major unit), ccxt bars are stored as ``ccxt:<exchange>`` (up to 26
characters, hence the longer column), and dividends reported beside the bars get their own table.

Stored ``yfinance`` bars were dividend-adjusted and stored ``ccxt`` bars do not say which exchange they
came from, so both are dropped: they are a cache of the providers, fetched again on the next request.
The bundled sample is in US dollars.

Revision ID: 7d3c2b9e4f15
Revises: 1fd520bf2fb5
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3c2b9e4f15'
down_revision = '1fd520bf2fb5'
branch_labels = None
depends_on = None

bars = sa.table('market_bars', sa.column('source', sa.String), sa.column('currency', sa.String))


def upgrade():
    with op.batch_alter_table('market_bars', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=20), type_=sa.String(length=40),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('currency', sa.String(length=12), nullable=True))
    op.create_table('market_dividends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('symbol', sa.String(length=32), nullable=False),
    sa.Column('ex_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Double(), nullable=False),
    sa.Column('currency', sa.String(length=12), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_dividends')),
    sa.UniqueConstraint('source', 'symbol', 'ex_date', name=op.f('uq_market_dividends_source_symbol_ex_date'))
    )
    op.execute(bars.delete().where(bars.c.source.in_(['yfinance', 'ccxt'])))
    op.execute(bars.update().where(bars.c.source == 'sample').values(currency='USD'))


def downgrade():
    op.drop_table('market_dividends')
    # The older code reads yfinance bars as dividend-adjusted and knows no exchange-qualified source.
    op.execute(bars.delete().where(sa.or_(bars.c.source == 'yfinance', bars.c.source.like('ccxt:%'))))
    with op.batch_alter_table('market_bars', schema=None) as batch_op:
        batch_op.drop_column('currency')
        batch_op.alter_column('source', existing_type=sa.String(length=40), type_=sa.String(length=20),
                              existing_nullable=False)
