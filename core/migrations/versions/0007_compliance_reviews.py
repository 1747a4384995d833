"""compliance reviews

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_reviews",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=True),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("jurisdiction", sa.String(length=4), nullable=False),
        sa.Column("semantic_layer", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("finding_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_reviews")),
    )
    with op.batch_alter_table("compliance_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compliance_reviews_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_compliance_reviews_team_at", ["team", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("compliance_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_reviews_team_at")
        batch_op.drop_index(batch_op.f("ix_compliance_reviews_case_id"))
    op.drop_table("compliance_reviews")
