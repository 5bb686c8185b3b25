"""Security: where each desk session was opened (address, browser) for the sessions page.

Revision ID: 0009_security
Revises: 0012_desk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_security"
down_revision = "0012_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("address", sa.String(64), nullable=True))
        batch.add_column(sa.Column("user_agent", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("user_agent")
        batch.drop_column("address")
