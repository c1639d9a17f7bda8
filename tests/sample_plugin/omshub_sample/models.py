"""The plug-in's table: the greetings it stored (branch ``sample`` of migrations/)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

greetings = sa.Table(
    "sample_greetings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)
