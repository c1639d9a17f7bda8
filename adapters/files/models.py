"""The files adapters' table: which files were taken in, so a file is never taken twice.

A row is written in the same transaction as the ``files.received`` message, before the file
leaves the inbound folder. If moving it to the archive then fails (a crash, a network
drop), the next pass finds the file, its row without ``archived_at``, and only archives it;
a file whose row is archived is a duplicate the sender dropped again.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import TS

metadata = sa.MetaData()

files_seen = sa.Table(
    "files_seen",
    metadata,
    sa.Column("drop", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("envelope_id", sa.String(64), nullable=False,
              comment="the files.received message it became"),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("taken_at", TS, nullable=False),
    sa.Column("archived_at", TS, comment="null while it still waits in the inbound folder"),
    sa.Column("archived_as", sa.Text),
)
