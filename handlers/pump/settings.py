"""``[plugins.pump]`` of ``omshub.toml``: the limits a package's zip must keep."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PumpSettings(BaseModel):
    """Limits against zip bombs; the defaults fit a month of 100,000 cases with room."""

    model_config = ConfigDict(extra="forbid")

    max_entries: int = Field(default=8, ge=2, description="files a package's zip may list")
    max_file_bytes: int = Field(default=2 * 1024**3, ge=1024,
                                description="the largest unpacked file, in bytes")
    max_ratio: int = Field(default=200, ge=2,
                           description="unpacked size ÷ packed size of a file, at most")
