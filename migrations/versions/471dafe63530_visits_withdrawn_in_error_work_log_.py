"""visits withdrawn in error, work-log corrections

A visit logged by mistake (a double tap, a wrong ticket) is withdrawn with the step `logged_in_error` and the
status `cancelled`: both codes are added to the CHECK constraints of the visit tables. Work-log notes gain
`edited_at` and `withdrawn_at` (the author corrects or withdraws a note the same day).

Revision ID: 471dafe63530
Revises: f0e2b7003e26
Create Date: 2026-12-02 03:11:11.399648

"""
from alembic import op
import sqlalchemy as sa


revision = '471dafe63530'
down_revision = 'f0e2b7003e26'
branch_labels = None
depends_on = None

STATUSES = ('waiting', 'called', 'serving', 'done', 'left')
EVENTS = ('called', 'serving', 'served', 'left', 'care', 'escorted', 'rerouted')
# (table, column, constraint name as the models declare it, codes before, codes after)
CODES = [
    ('visits', 'status', 'visit_status', STATUSES, (*STATUSES, 'cancelled')),
    ('visit_events', 'type', 'visit_event_type', EVENTS, (*EVENTS, 'logged_in_error')),
    ('visit_events', 'from_status', 'visit_event_from', STATUSES, (*STATUSES, 'cancelled')),
    ('visit_events', 'to_status', 'visit_event_to', STATUSES, (*STATUSES, 'cancelled')),
]


def _code_type(name, codes):
    return sa.Enum(*codes, name=name, native_enum=False, create_constraint=True, length=max(map(len, codes)))


def _change_codes(forward: bool) -> None:
    for table, column, name, before, after in CODES:
        old, new = (before, after) if forward else (after, before)
        if op.get_bind().dialect.name == 'sqlite':
            # SQLite cannot alter a constraint: batch mode copies the table with the new one.
            with op.batch_alter_table(table, recreate='always') as batch_op:
                batch_op.alter_column(column, existing_type=_code_type(name, old), type_=_code_type(name, new),
                                      existing_nullable=False)
        else:
            constraint = op.f(f'ck_{table}_{name}')
            op.drop_constraint(constraint, table, type_='check')
            op.alter_column(table, column, existing_type=sa.String(max(map(len, old))),
                            type_=sa.String(max(map(len, new))), existing_nullable=False)
            op.create_check_constraint(constraint, table, sa.column(column).in_(new))


def upgrade():
    _change_codes(forward=True)
    with op.batch_alter_table('work_log_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('work_log_entries', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('edited_at')
    op.execute("UPDATE visits SET status = 'left' WHERE status = 'cancelled'")
    op.execute("DELETE FROM visit_events WHERE type = 'logged_in_error'")
    _change_codes(forward=False)
