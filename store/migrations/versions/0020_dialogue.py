"""dialogue: the anonymous reporter's case code (hash only) and the case's dialogue (issue 20)

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-02

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'dialogue_codes',
        sa.Column('id', ID, primary_key=True),
        sa.Column('deviation_id', ID, sa.ForeignKey('deviations.id', ondelete='CASCADE',
                                                    name='fk_dialogue_codes_deviation_id_deviations'),
                  nullable=False),
        sa.Column('lookup', sa.String(16), nullable=False),
        sa.Column('secret_hash', sa.String(200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_dialogue_codes'),
        sa.UniqueConstraint('deviation_id', name='uq_dialogue_codes_deviation_id'),
    )
    op.create_index('ix_dialogue_codes_lookup', 'dialogue_codes', ['lookup'])
    op.create_table(
        'dialogue_messages',
        sa.Column('id', ID, primary_key=True),
        sa.Column('deviation_id', ID, sa.ForeignKey('deviations.id', ondelete='CASCADE',
                                                    name='fk_dialogue_messages_deviation_id_deviations'),
                  nullable=False),
        sa.Column('author', sa.String(16), nullable=False),
        sa.Column('leader_id', sa.String(32), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_dialogue_messages'),
    )
    op.create_index('ix_dialogue_messages_deviation', 'dialogue_messages', ['deviation_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_dialogue_messages_deviation', table_name='dialogue_messages')
    op.drop_table('dialogue_messages')
    op.drop_index('ix_dialogue_codes_lookup', table_name='dialogue_codes')
    op.drop_table('dialogue_codes')
