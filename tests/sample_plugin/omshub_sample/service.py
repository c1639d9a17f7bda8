"""The plug-in's handler: stores greetings; out of order while its fault flag file exists.

The fault flag stands for a downstream system being unavailable: tests and the browser
scenario switch it on to make a poison message, and off to "fix the fault".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import sqlalchemy as sa

from hub.component import Handler, Message, handles
from hub.tx import Tx
from omshub_sample.messages import GreetingV1
from omshub_sample.models import greetings, metadata

FAULT_FILE_ENV = "OMSHUB_SAMPLE_FAULT_FILE"


class GreeterOutOfOrder(RuntimeError):
    """The greeter's downstream is down."""


class Greeter(Handler):
    """Stores each greeting."""

    name: ClassVar[str] = "greeter"
    metadata: ClassVar[sa.MetaData | None] = metadata

    @handles(GreetingV1)
    def on_greeting(self, message: Message[GreetingV1], tx: Tx) -> None:
        """Store the greeting, unless the fault flag is up."""
        flag = os.environ.get(FAULT_FILE_ENV)
        if flag and Path(flag).exists():
            raise GreeterOutOfOrder(f"greeter is out of order (flag {flag})")
        tx.conn.execute(greetings.insert().values(
            message_id=message.id, name=message.payload.name, text=message.payload.text))
