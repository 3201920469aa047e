"""issue 16 (points 1–11): the seed's process all the way

The leader sets the severity at assessment and the reporter's choice is kept
(`reported_severity`, NULL while the two agree); closure records the experience for the
business plan or an explicit «ingen ny erfaring» (`no_new_lesson`); «Utsett» on a reminder
keeps its case's or action's reminders quiet until a later workday (`snoozed_until`, with a reason);
a case escalated is a row in `nudges` whose period is its stall and level (`20261123T080000:1`), so
the period column is widened.

Revision ID: 0016p
Revises: 0020
Create Date: 2026-12-02

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0016p'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('deviations') as batch:
        batch.add_column(sa.Column('reported_severity', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('no_new_lesson', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('snoozed_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('snooze_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('nudges') as batch:
        batch.alter_column('period', existing_type=sa.String(length=16), type_=sa.String(length=32),
                           existing_nullable=False)
    with op.batch_alter_table('actions') as batch:
        batch.add_column(sa.Column('snoozed_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('snooze_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('nudges') as batch:
        batch.alter_column('period', existing_type=sa.String(length=32), type_=sa.String(length=16),
                           existing_nullable=False)
    with op.batch_alter_table('actions') as batch:
        batch.drop_column('snooze_reason')
        batch.drop_column('snoozed_until')
    with op.batch_alter_table('deviations') as batch:
        batch.drop_column('snooze_reason')
        batch.drop_column('snoozed_until')
        batch.drop_column('no_new_lesson')
        batch.drop_column('reported_severity')
