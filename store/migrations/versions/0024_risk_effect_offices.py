"""risk and cause at assessment, «Har tiltaket virket?», the office a person chose

Issue 22: sannsynlighet × konsekvens and the leader's cause types on each case; one effect check per
case closed with actions. Issue 24: many offices in one workspace, so a person's last «Kontor» choice
is remembered (never for an anonymous report).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0024'
down_revision: Union[str, Sequence[str], None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('deviations') as batch:
        batch.add_column(sa.Column('risk_likelihood', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('risk_consequence', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('cause_types', sa.JSON(), nullable=True))
    op.create_table('effect_checks',
    sa.Column('id', ID, nullable=False),
    sa.Column('deviation_id', ID, nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('leader_id', sa.String(length=32), nullable=True),
    sa.Column('answer', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=32), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deviation_id'], ['deviations.id'], name=op.f('fk_effect_checks_deviation_id_deviations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effect_checks')),
    sa.UniqueConstraint('deviation_id', name=op.f('uq_effect_checks_deviation_id')),
    )
    op.create_index('ix_effect_checks_open', 'effect_checks', ['office_id', 'answered_at'], unique=False)
    op.create_table('office_choices',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_office_choices')),
    )


def downgrade() -> None:
    op.drop_table('office_choices')
    op.drop_index('ix_effect_checks_open', table_name='effect_checks')
    op.drop_table('effect_checks')
    with op.batch_alter_table('deviations') as batch:
        batch.drop_column('cause_types')
        batch.drop_column('risk_consequence')
        batch.drop_column('risk_likelihood')
