"""outbox messages

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("script", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_day", sa.Date(), nullable=False),
        sa.Column("utc_offset_min", sa.SmallInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("provider_ref", sa.String(length=128), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_outbox_messages_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("case_id", "send_day", name=op.f("uq_outbox_messages_case_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_tenant"), ["tenant"], unique=False)
        batch_op.create_index("ix_outbox_messages_status_send_at", ["status", "send_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_status_send_at")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_tenant"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_batch_id"))
    op.drop_table("outbox_messages")
