"""learning: exercises with keyed-hash votes, the leaders' helhetsvurdering per area, shared «gode grep»

Seed 000's training case («Skal det meldes ifra om avvik her?») runs as a poll whose votes are kept
only under a per-exercise HMAC key, erased with the votes at the reveal. Seed 002: the leaders write
the helhetsvurdering per area, and «fungerer bra» answers are shared as «gode grep».

Revision ID: 0023
Revises: 0016
Create Date: 2026-12-02

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('exercises',
    sa.Column('id', ID, nullable=False),
    sa.Column('office_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('vote_key', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('tally', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises')),
    )
    op.create_table('exercise_votes',
    sa.Column('id', ID, nullable=False),
    sa.Column('exercise_id', ID, nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.Column('question', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_exercise_votes_exercise_id_exercises'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_votes')),
    sa.UniqueConstraint('exercise_id', 'voter', 'question', name='uq_exercise_votes_voter'),
    )
    op.create_table('quality_good_practices',
    sa.Column('id', ID, nullable=False),
    sa.Column('round_id', ID, nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['quality_rounds.id'],
                            name=op.f('fk_quality_good_practices_round_id_quality_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_good_practices')),
    )
    with op.batch_alter_table('quality_rounds') as batch:
        batch.add_column(sa.Column('verdicts', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('quality_rounds') as batch:
        batch.drop_column('verdicts')
    op.drop_table('quality_good_practices')
    op.drop_table('exercise_votes')
    op.drop_table('exercises')
