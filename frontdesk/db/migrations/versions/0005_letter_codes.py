"""letter codes (L1): one row a letter mailed to a guardian, its code kept as a keyed digest

Revision ID: 0005_letter_codes
Revises: 0004_outbox_secrets
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import frontdesk.db.types


revision: str = '0005_letter_codes'
down_revision: str | None = '0004_outbox_secrets'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = 'used_at IS NULL AND revoked_at IS NULL'


def upgrade() -> None:
    op.create_table('letter_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('guardian_name', sa.String(length=200), nullable=False),
    sa.Column('relationship', sa.String(length=40), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('issued_at', frontdesk.db.types.UtcDateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_name', sa.String(length=200), nullable=False),
    sa.Column('in_bulk', sa.Boolean(), nullable=False),
    sa.Column('expires_at', frontdesk.db.types.UtcDateTime(), nullable=False),
    sa.Column('used_at', frontdesk.db.types.UtcDateTime(), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', frontdesk.db.types.UtcDateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_letter_codes_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['staff.id'], name=op.f('fk_letter_codes_issued_by_id_staff')),
    sa.ForeignKeyConstraint(['link_id'], ['student_links.id'], name=op.f('fk_letter_codes_link_id_student_links')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['letter_codes.id'], name=op.f('fk_letter_codes_replaced_by_id_letter_codes')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['staff.id'], name=op.f('fk_letter_codes_revoked_by_id_staff')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_letter_codes_student_id_students')),
    sa.ForeignKeyConstraint(['used_by_id'], ['parent_accounts.id'], name=op.f('fk_letter_codes_used_by_id_parent_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_codes')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_letter_codes_code_digest'))
    )
    with op.batch_alter_table('letter_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_codes_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_codes_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_codes_student_id'), ['student_id'], unique=False)
        # At most one live letter per guardian: the rule the services keep, held by the database.
        batch_op.create_index('ux_letter_codes_live_contact', ['contact_id'], unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade() -> None:
    op.drop_table('letter_codes')
