"""contract extractions and legal documents

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_extractions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("result_enc", sa.LargeBinary(), nullable=False),
        sa.Column("identities_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_contract_extractions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_extractions")),
    )
    op.create_index(op.f("ix_contract_extractions_case_id"), "contract_extractions", ["case_id"])
    op.create_index(op.f("ix_contract_extractions_file_sha256"), "contract_extractions", ["file_sha256"])
    op.create_table(
        "legal_documents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=16), nullable=False),
        sa.Column("extraction_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=32), nullable=True),
        sa.Column("content_enc", sa.LargeBinary(), nullable=False),
        sa.Column("claims_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_legal_documents_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["extraction_id"], ["contract_extractions.id"],
            name=op.f("fk_legal_documents_extraction_id_contract_extractions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_documents")),
    )
    op.create_index(op.f("ix_legal_documents_case_id"), "legal_documents", ["case_id"])
    op.create_index(op.f("ix_legal_documents_status"), "legal_documents", ["status"])


def downgrade() -> None:
    op.drop_table("legal_documents")
    op.drop_table("contract_extractions")
