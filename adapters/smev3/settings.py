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
    trust_dir: Path | None = Field(
        default=None, description="Trust store: trusted CA certificates and their CRLs (PEM or "
                                  "DER files); CRLs refreshed by the job go to its crl/.")
    crl_urls: list[str] = Field(
        default_factory=list, description="CRLs to refresh besides the distribution points "
                                          "the certificates name.")
    certificate_warn_days: int = Field(
        default=30, ge=0, description="Warn this many days before a certificate in use "
                                      "expires.")
    attachment_key: Path | None = Field(
        default=None, description="Key (PEM) signing the files we send (ЭП-СП, "
                                  "SignaturePKCS7); empty: the system's key.")
    attachment_certificate: Path | None = Field(
        default=None, description="Its certificate (PEM); empty: the system's certificate.")
    attachments_require_signature: bool = Field(
        default=False, description="Refuse a received file without SignaturePKCS7 (the "
                                   "schemas make it optional; a bad one is always refused).")

    def transfer(self) -> AttachmentTransfer:
        """Attachments in and out as these settings say (limits, file exchange, hash)."""
        from adapters.smev3.attachments import (
            AttachmentTransfer,
            Limits,
            cms_signer,
            cms_verifier,
            streebog,
        )
        from adapters.smev3.fileexchange import FileExchange, FtpEndpoint

        endpoint = FtpEndpoint(self.ftp_host, self.ftp_port, self.ftp_user,
                               self.ftp_password, self.ftp_timeout)
        key = self.attachment_key or self.key
        certificate = self.attachment_certificate or self.certificate
        sign = (cms_signer(key.read_bytes(), certificate.read_bytes(), self.crypto_provider)
                if key is not None and certificate is not None else None)
        return AttachmentTransfer(
            Limits(self.attachments_inline_limit, self.attachments_max_size),
            FileExchange(endpoint), streebog(self.crypto_provider), sign=sign,
            verify=cms_verifier(self.crypto_provider),
            require_signatures=self.attachments_require_signature)
