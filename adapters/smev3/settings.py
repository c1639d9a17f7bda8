"""Settings of the СМЭВ 3 adapter: ``[plugins.smev3]`` in the config file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class Smev3Settings(BaseModel):
    """Where СМЭВ is, who we are, how we sign, what we poll."""

    url: str = Field(default="http://127.0.0.1:8181/smev3",
                     description="СМЭВ 3 message exchange endpoint (the simulator by default).")
    node_id: str = Field(default="", description="NodeID of our information system, if any.")
    key: Path | None = Field(default=None, description="Signing key (PEM) of our system.")
    certificate: Path | None = Field(default=None, description="Its certificate (PEM).")
    crypto_provider: str = Field(default="gostcrypto", description="gostcrypto | openssl")
    types: list[str] = Field(default_factory=list,
                             description="Information types to poll (empty = all installed).")
    poll_batch: int = Field(default=50, ge=1, le=1000,
                            description="Messages fetched per type per poll at most.")
    timeout: float = Field(default=30.0, gt=0, description="HTTP timeout, seconds.")
    retry_delays: tuple[float, ...] = Field(default=(5, 30, 120, 600, 3600),
                                            description="Waits before resending after a "
                                            "retryable fault; then the message fails.")
    test_messages: bool = Field(default=False, description="Mark sent messages TestMessage.")
