"""Settings of the ФЕРЗЛ adapter: ``[plugins.ferzl]`` in the config file.

The release is chosen per operation (``releases``, falling back to ``release``); the spec
says at most three API releases are live at once, so more than three distinct versions in
use is refused here, in Russian, before anything is sent. The JWT is given as ``token`` or
read from ``token_file`` at every call (a file an external renewer rewrites is picked up
after a 401 without a restart).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from adapters.ferzl.releases import Releases, version_key

PLUGIN = "ferzl"
SIMULATOR_URL = "http://127.0.0.1:8191"
"""Where the ФЕРЗЛ simulator listens by default (the adapter points there unless told)."""
LIVE_RELEASES = 3
"""The spec: at most three API releases are live at a time."""


class FerzlSettings(BaseModel):
    """Where ФЕРЗЛ is, how we authenticate, which release each operation speaks."""

    base_url: str = Field(default=SIMULATOR_URL,
                          description="ФЕРЗЛ host; the services' paths are the WSDLs' "
                                      "(the simulator's address by default).")
    token: str = Field(default="", repr=False,
                       description="JWT sent in X-Auth-Token; keep it in the config file, "
                                   "never in the repository.")
    token_file: Path | None = Field(default=None,
                                    description="A file holding the JWT (read at each call; "
                                                "wins over token).")
    timeout: float = Field(default=60.0, gt=0, description="HTTP timeout, seconds.")
    release: str | None = Field(default=None,
                                description="The release every operation speaks unless "
                                            "``releases`` names another (default: the newest "
                                            "installed).")
    releases: dict[str, str] = Field(default_factory=dict,
                                     description="Operation (getPersonData, or an async "
                                                 "pair's name getAllCurrentEnp) → release.")
    endpoints: dict[str, str] = Field(default_factory=dict,
                                      description="Service (mpiPersonInfoService) or "
                                                  "release/service → full URL.")
    retry_delays: tuple[float, ...] = Field(
        default=(30, 120, 600, 1800),
        description="Waits before an asynchronous operation is tried again after a "
                    "retryable failure (its Start or a Poll); then it fails with the cause.")
    poll_first: float = Field(default=5.0, gt=0, description="First pause before a Poll, s.")
    poll_factor: float = Field(default=2.0, ge=1, description="Growth of the pause.")
    poll_cap: float = Field(default=300.0, gt=0, description="Longest pause between Polls, s.")
    poll_deadline: float = Field(default=6 * 3600.0, gt=0,
                                 description="How long an asynchronous operation may take, s.")
    poll_restarts: int = Field(default=2, ge=0,
                               description="Starts again after a token fails or expires.")

    @model_validator(mode="after")
    def _three_live(self) -> FerzlSettings:
        chosen = {v for v in (self.release, *self.releases.values()) if v}
        if len(chosen) > LIVE_RELEASES:
            raise ValueError(
                f"в [plugins.{PLUGIN}] выбрано {len(chosen)} выпусков API ФЕРЗЛ "
                f"({', '.join(sorted(chosen, key=version_key))}), а одновременно действуют "
                f"не более {LIVE_RELEASES}: оставьте не больше трёх в release и releases")
        return self

    def jwt(self) -> str:
        """The current token: the file's content when ``token_file`` is set."""
        if self.token_file is not None:
            try:
                return self.token_file.read_text("utf-8").strip()
            except OSError as exc:
                raise RuntimeError(f"не прочитан файл токена ФЕРЗЛ {self.token_file}: "
                                   f"{exc.strerror}") from exc
        return self.token

    def release_for(self, operation: str, releases: Releases) -> str:
        """The release ``operation`` speaks: by its name, by its async pair's name (a
        ``…Start`` or ``…Poll``), else ``release``, else the newest installed."""
        pair = operation.removesuffix("Start").removesuffix("Poll")
        for key in (operation, pair):
            if key in self.releases:
                return self.releases[key]
        if self.release:
            return self.release
        if not releases.versions:
            raise LookupError("в каталоге схем нет ни одного выпуска API ФЕРЗЛ")
        return releases.versions[-1]

    def unknown_releases(self, releases: Releases) -> list[str]:
        """The versions chosen here that the schema directory does not hold."""
        chosen = {v for v in (self.release, *self.releases.values()) if v}
        return sorted(chosen - set(releases.versions), key=version_key)
