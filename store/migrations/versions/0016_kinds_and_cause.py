"""deviations: the seed's kinds («forslag» is no kind any more) and the cause («Hva gjorde at det kunne skje?»)

Seed 000, «Hva er et avvik?»: «brudd på lov og forskrift eller sentrale og lokale rutiner, inkludert
forvaltningsrettslige prinsipper» and «andre hendelser, svikt eller avgjørelser som virksomheten ønsker
å bruke til læring og forbedring»; the process registers «avviket eller observasjonen». A stored
«forslag» (proposal for change) becomes «hendelse» (to learn from and improve), so an old case reads
and counts as one of the kinds the bot offers.

Revision ID: 0016
Revises: 0007
Create Date: 2026-12-02

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

deviations = sa.table('deviations', sa.column('kind', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('deviations') as batch:
        batch.add_column(sa.Column('cause', sa.Text(), nullable=True))
    op.execute(deviations.update().where(deviations.c.kind == 'forslag').values(kind='hendelse'))


def downgrade() -> None:
    # The code before this revision knows no «observasjon»: it reads as «hendelse» there.
    op.execute(deviations.update().where(deviations.c.kind == 'observasjon').values(kind='hendelse'))
    with op.batch_alter_table('deviations') as batch:
        batch.drop_column('cause')
