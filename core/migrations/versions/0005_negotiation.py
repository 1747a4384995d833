"""negotiation: offer approvals and hand-offs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offer_approvals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("breaches", sa.JSON(), nullable=False),
        sa.Column("supervisor_covers", sa.Boolean(), nullable=False),
        sa.Column("matrix_version", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_offer_approvals_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_approvals")),
    )
    op.create_index(op.f("ix_offer_approvals_case_id"), "offer_approvals", ["case_id"], unique=False)
    op.create_index(op.f("ix_offer_approvals_status"), "offer_approvals", ["status"], unique=False)
    op.create_table(
        "negotiation_handoffs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_negotiation_handoffs_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation_handoffs")),
    )
    op.create_index(op.f("ix_negotiation_handoffs_case_id"), "negotiation_handoffs", ["case_id"], unique=False)
    op.create_index(op.f("ix_negotiation_handoffs_status"), "negotiation_handoffs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_negotiation_handoffs_status"), table_name="negotiation_handoffs")
    op.drop_index(op.f("ix_negotiation_handoffs_case_id"), table_name="negotiation_handoffs")
    op.drop_table("negotiation_handoffs")
    op.drop_index(op.f("ix_offer_approvals_status"), table_name="offer_approvals")
    op.drop_index(op.f("ix_offer_approvals_case_id"), table_name="offer_approvals")
    op.drop_table("offer_approvals")
