"""breaches: the 72-hour track of a possible personal-data breach (GDPR art. 33)

Only what the track needs: discovery, kind, deadline, when the ASYS reference came in, and the
decision on notifying Datatilsynet (with the reason when not notifiable, art. 33(5)).

Revision ID: 0021
Revises: 0016
Create Date: 2026-12-02

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0016p'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

def upgrade() -> None:
    op.create_table(
        'breaches',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('deviation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('office_id', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('discovered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reference_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision', sa.String(length=32), nullable=True),
        sa.Column('decision_date', sa.Date(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('decided_by', sa.String(length=32), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['deviation_id'], ['deviations.id'], name=op.f('fk_breaches_deviation_id_deviations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_breaches')),
        sa.UniqueConstraint('deviation_id', name=op.f('uq_breaches_deviation_id')),
    )
    op.create_index('ix_breaches_open', 'breaches', ['office_id', 'decided_at'])

def downgrade() -> None:
    op.drop_index('ix_breaches_open', table_name='breaches')
    op.drop_table('breaches')
