"""property transactions and collateral truth

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "property_transactions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("district", sa.String(length=16), nullable=False),
        sa.Column("deal_date", sa.Date(), nullable=False),
        sa.Column("area_sqm", sa.Float(), nullable=False),
        sa.Column("build_year", sa.SmallInteger(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("days_on_market", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_transactions")),
    )
    with op.batch_alter_table("property_transactions", schema=None) as batch_op:
        batch_op.create_index("ix_property_transactions_city_district", ["city", "district"], unique=False)
    op.create_table(
        "collateral_truth",
        sa.Column("loan_id", sa.String(length=16), nullable=False),
        sa.Column("market_value_fen", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.id"], name=op.f("fk_collateral_truth_loan_id_loans")),
        sa.PrimaryKeyConstraint("loan_id", name=op.f("pk_collateral_truth")),
    )


def downgrade() -> None:
    op.drop_table("collateral_truth")
    with op.batch_alter_table("property_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_property_transactions_city_district")
    op.drop_table("property_transactions")
