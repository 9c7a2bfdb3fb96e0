"""roster files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 15:12:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'roster_files',
        sa.Column('file', sa.String(length=40), nullable=False),
        sa.Column('file_digest', sa.String(length=32), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('unlisted_digest', sa.String(length=32), nullable=False),
        sa.Column('unlisted_rows', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('file', name=op.f('pk_roster_files')),
    )


def downgrade() -> None:
    op.drop_table('roster_files')
