"""asset currency, longer price source

Assets record the currency of their prices (set by a price sync or by the user), and a synced price
keeps its whole market source, which for ccxt names the exchange (``ccxt:coinbaseinternational`` is 26
characters), as market bars already do.

Revision ID: b3e5d7a9c1f2
Revises: 48be6d63e8e2
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e5d7a9c1f2'
down_revision = '48be6d63e8e2'
branch_labels = None
depends_on = None

prices = sa.table('price_history', sa.column('source', sa.String))


def upgrade():
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=12), nullable=True))
    with op.batch_alter_table('price_history', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=20), type_=sa.String(length=40),
                              existing_nullable=False, existing_server_default='manual')


def downgrade():
    # A longer source would not fit back: keep its first part (ccxt:coinbaseinternational -> ccxt).
    op.execute(prices.update().where(sa.func.length(prices.c.source) > 20).values(source='ccxt'))
    with op.batch_alter_table('price_history', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=40), type_=sa.String(length=20),
                              existing_nullable=False, existing_server_default='manual')
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_column('currency')
