"""copilot interrupts and thread tenants

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tenant", sa.String(length=32), nullable=True))
    op.create_table(
        "copilot_interrupts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("thread_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("record_id", sa.String(length=40), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("editable", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_copilot_interrupts")),
    )
    with op.batch_alter_table("copilot_interrupts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_copilot_interrupts_thread_id"), ["thread_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_copilot_interrupts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_copilot_interrupts_tenant"), ["tenant"], unique=False)
        batch_op.create_index(batch_op.f("ix_copilot_interrupts_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("copilot_interrupts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_copilot_interrupts_status"))
        batch_op.drop_index(batch_op.f("ix_copilot_interrupts_tenant"))
        batch_op.drop_index(batch_op.f("ix_copilot_interrupts_case_id"))
        batch_op.drop_index(batch_op.f("ix_copilot_interrupts_thread_id"))
    op.drop_table("copilot_interrupts")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("tenant")
