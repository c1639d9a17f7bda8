"""Progress of long work

Revision ID: 0006
Revises: 0005

``progress_tasks`` holds what a job, a large message's handler or a bulk replay reports
about itself (stage, done/total, rate, state) so that the console, in another process,
shows it while it runs; an operator's pause, resume or cancel of a bulk replay is written
to ``control`` and read by the process doing it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_tasks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False,
                  comment="job, message (a large message's handler) or replay (bulk replay)"),
        sa.Column("title", sa.Text, nullable=False, comment="what runs, in the staff's words"),
        sa.Column("component", sa.String(100), server_default="", nullable=False),
        sa.Column("stage", sa.Text, server_default="", nullable=False),
        sa.Column("done", sa.BigInteger, server_default="0", nullable=False),
        sa.Column("total", sa.BigInteger),
        sa.Column("rate", sa.Float, comment="items per second lately, as the reporter measured"),
        sa.Column("state", sa.String(20), nullable=False,
                  comment="running, paused, finished, failed, cancelled"),
        sa.Column("control", sa.String(20),
                  comment="what an operator asked of it: pause, resume, cancel"),
        sa.Column("outcome", sa.Text, server_default="", nullable=False),
        sa.Column("params", sa.Text, server_default="{}", nullable=False,
                  comment="what a resumable task needs to go on (JSON)"),
        sa.Column("started_by", sa.String(100), server_default="", nullable=False),
        sa.Column("owner", sa.String(200), server_default="", nullable=False,
                  comment="host:pid of the process running it"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_tasks")),
        comment="Progress of long work (jobs, large messages, bulk replays), written by the "
        "process doing it, read by the console.",
    )
    op.create_index("ix_progress_tasks_state", "progress_tasks", ["state"])
    op.create_index("ix_progress_tasks_started_at", "progress_tasks", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_progress_tasks_started_at", table_name="progress_tasks")
    op.drop_index("ix_progress_tasks_state", table_name="progress_tasks")
    op.drop_table("progress_tasks")
