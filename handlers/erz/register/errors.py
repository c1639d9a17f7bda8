"""The register's refusal: an exception carrying coded failures (ERZ-7).

The failures and their codes are the register's published ФЛК vocabulary
(:mod:`contracts.erz.failures`: a channel reports them too); raising them is the handler's.
"""

from __future__ import annotations

from contracts.erz.failures import Failure


class ErzError(Exception):
    """A refused register operation; ``failures`` holds one or more coded reasons."""

    def __init__(self, code: str, field: str = "", message: str = "",
                 failures: tuple[Failure, ...] = ()) -> None:
        first = Failure(code, field, message)
        self.failures: tuple[Failure, ...] = failures or (first,)
        self.code = self.failures[0].code
        super().__init__("; ".join(f"{f.code} {f.field}: {f.message}" for f in self.failures))

    @classmethod
    def of(cls, failures: list[Failure]) -> ErzError:
        """One error carrying every failure of a check run."""
        first = failures[0]
        return cls(first.code, first.field, first.message, tuple(failures))


def require(failures: list[Failure]) -> None:
    """Raise :class:`ErzError` when any check failed."""
    if failures:
        raise ErzError.of(failures)
