"""What one console user may see: personal data masked unless the account permits it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.registry import MessageType
from hub.masking import mask_file_name, mask_payload, mask_person, mask_text


@dataclass(frozen=True)
class Privacy:
    """Applies (or, for ``unmasked`` accounts, skips) masking to what a page shows."""

    unmasked: bool

    def text(self, value: str | None) -> str:
        """Free text, XML or JSON with personal data hidden."""
        if not value:
            return ""
        return value if self.unmasked else mask_text(value)

    def file_name(self, value: str | None) -> str:
        """A file or attachment name: personal as a whole (its extension and shape kept)."""
        if not value:
            return ""
        return value if self.unmasked else mask_file_name(value)

    def person(self, value: str | None) -> str:
        """The journal's person column."""
        if not value:
            return ""
        return value if self.unmasked else mask_person(value)

    def payload(
        self, payload: Mapping[str, Any], message_type: MessageType | None
    ) -> dict[str, Any]:
        """A canonical payload, masked by its type's declarations."""
        if self.unmasked:
            return dict(payload)
        return mask_payload(payload, message_type)
