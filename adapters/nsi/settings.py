"""``[plugins.nsi]`` of ``omshub.toml``: where the dictionaries are refreshed from.

The keys are those the НСИ handler read when it fetched the portal itself; ``adapter.nsi``
has the same plug-in name, so an existing ``omshub.toml`` keeps working unchanged.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class NsiSettings(BaseModel):
    """The scheduled refresh's source; without ``source`` the job does nothing."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        default=None, description="the portal's base URL: http://nsi.ffoms.ru, or the "
        "simulator's (adapter.nsi-simulator)")
    codes: list[str] = Field(
        default_factory=list, description="the dictionaries to keep current; empty: every one "
        "the portal lists")
    timeout: float = Field(default=120.0, description="seconds per HTTP request")
