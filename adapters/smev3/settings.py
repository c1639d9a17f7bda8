"""Settings of the СМЭВ 3 adapter: ``[plugins.smev3]`` in the config file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from adapters.smev3.attachments import AttachmentTransfer


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
    attachments_inline_limit: int = Field(
        default=5 * 1024 * 1024, ge=0,
        description="Bytes of attachments one message carries inline (MTOM) at most, in "
                    "total (СМЭВ's rule: 5 MB); larger files go through the file exchange.")
    attachments_max_size: int = Field(
        default=1024 * 1024 * 1024, gt=0,
        description="Largest attachment sent or accepted, bytes; a larger one is refused.")
    ftp_host: str = Field(default="127.0.0.1",
                          description="СМЭВ file exchange (FTP) host (the simulator's by "
                                      "default).")
    ftp_port: int = Field(default=2121, gt=0, lt=65536, description="Its FTP port.")
    ftp_user: str = Field(default="anonymous", description="User we upload as.")
    ftp_password: str = Field(default="", repr=False,
                              description="Its password (empty for anonymous); keep it in "
                                          "the config file, never in the repository.")
    ftp_timeout: float = Field(default=120.0, gt=0, description="FTP timeout, seconds.")

    def transfer(self) -> AttachmentTransfer:
        """Attachments in and out as these settings say (limits, file exchange, hash)."""
        from adapters.smev3.attachments import AttachmentTransfer, Limits, streebog
        from adapters.smev3.fileexchange import FileExchange, FtpEndpoint

        endpoint = FtpEndpoint(self.ftp_host, self.ftp_port, self.ftp_user,
                               self.ftp_password, self.ftp_timeout)
        return AttachmentTransfer(
            Limits(self.attachments_inline_limit, self.attachments_max_size),
            FileExchange(endpoint), streebog(self.crypto_provider))
