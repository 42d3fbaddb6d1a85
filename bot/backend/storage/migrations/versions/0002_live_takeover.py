"""Live takeover: when a handoff's conversation was taken over, and when a person left.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("handoffs", sa.Column("takeover_at", sa.DateTime(), nullable=True))
    op.add_column("referrals", sa.Column("left_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("left_at")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("takeover_at")
