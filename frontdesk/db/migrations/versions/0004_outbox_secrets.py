"""outbox secrets: a Message-ID per mail from the start, the secrets sealed apart

Revision ID: 0004_outbox_secrets
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_outbox_secrets'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('sealed_secrets', sa.LargeBinary(), nullable=True))

    # Mails queued before this revision get their Message-ID now; their bodies stay as they
    # were (delivered, then wiped, as before).
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('message_id', sa.String))
    connection = op.get_bind()
    for (mail_id,) in connection.execute(sa.select(outbox.c.id)).all():
        connection.execute(
            outbox.update()
            .where(outbox.c.id == mail_id)
            .values(message_id=f'<{secrets.token_hex(16)}@localhost>')
        )

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_unique_constraint(op.f('uq_outbox_message_id'), ['message_id'])


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_outbox_message_id'), type_='unique')
        batch_op.drop_column('sealed_secrets')
        batch_op.drop_column('message_id')
