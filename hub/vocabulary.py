"""The personal-data vocabulary the installed plug-ins declare, compiled once per process.

The hub knows no format: which names are personal, and which numbers identify a person, is
declared by plug-ins (:class:`contracts.personal.PersonalVocabulary` under the entry point
group ``omshub.personal``). The logs mask every record, so the declarations are loaded the
first time something is masked and merged into the few patterns :mod:`hub.masking` runs:
one for the kind of a name, one for every personal name, one for personal leaf elements of
XML, one for identifiers in free text. A plug-in that fails to load is logged and left out;
the others still mask.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points

from contracts.personal import GROUP, Identifier, Kind, PersonalVocabulary

log = logging.getLogger(__name__)

_NEVER = re.compile(r"(?!)")
_DATE = r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}"


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns if p)


@dataclass(frozen=True)
class Vocabulary:
    """Every declaration merged and compiled. Build it with :meth:`of`."""

    kinds: re.Pattern[str]
    """Matches a personal or hinted name whole; ``lastgroup`` is a key of ``meaning``."""
    meaning: dict[str, Kind | Identifier]
    personal_key: re.Pattern[str]
    """Matches a name whole when its value is personal."""
    element: re.Pattern[str] | None
    """A leaf XML element with a personal local name: groups ``tag``, ``local``, ``text``."""
    numbers: re.Pattern[str] | None
    """Identifiers in free text; ``lastgroup`` is a key of ``identifiers``."""
    shaped: re.Pattern[str] | None
    """A whole value shaped as an identifier (surrounding blanks allowed)."""
    person_tokens: re.Pattern[str]
    """Identifiers, dates, longer numbers and words of a text about a person."""
    identifiers: dict[str, Identifier]

    @classmethod
    def of(cls, declared: Iterable[PersonalVocabulary]) -> Vocabulary:
        """Merge ``declared`` into the patterns masking runs."""
        vocabularies = list(declared)
        names: dict[Kind, list[str]] = {}
        hints: dict[Kind, list[str]] = {}
        by_keep: dict[int, list[str]] = {}
        shapes: dict[int, list[str]] = {}
        for v in vocabularies:
            for kind, pattern in v.names.items():
                names.setdefault(kind, []).append(pattern)
            for kind, pattern in v.hints.items():
                hints.setdefault(kind, []).append(pattern)
            for ident in v.identifiers:
                by_keep.setdefault(ident.keep_last, []).append(ident.names)
                shapes.setdefault(ident.keep_last, []).append(ident.shape)

        meaning: dict[str, Kind | Identifier] = {}
        branches: list[str] = []

        def branch(what: Kind | Identifier, patterns: Iterable[str]) -> None:
            body = _alternation(patterns)
            if body:
                group = f"k{len(branches)}"
                meaning[group] = what
                branches.append(f"(?P<{group}>{body})")

        # A name of several kinds is taken as the first: a file name (masked whole), an
        # identifier, a date, a name; "other" is no branch (masked by the value's shape).
        branch("file", names.get("file", ()))
        for keep, patterns in by_keep.items():
            branch(Identifier(keep), patterns)
        for kind in ("date", "name"):
            branch(kind, names.get(kind, ()))
        for kind, patterns in hints.items():
            branch(kind, patterns)

        personal = _alternation([*(p for ps in names.values() for p in ps),
                                 *(p for ps in by_keep.values() for p in ps)])
        identifiers = {f"i{keep}": Identifier(keep) for keep, ps in shapes.items()
                       if _alternation(ps)}
        ids = "|".join(f"(?P<i{keep}>{_alternation(ps)})" for keep, ps in shapes.items()
                       if _alternation(ps))
        return cls(
            kinds=re.compile("|".join(branches), re.IGNORECASE) if branches else _NEVER,
            meaning=meaning,
            personal_key=re.compile(personal, re.IGNORECASE) if personal else _NEVER,
            element=re.compile(
                rf"(<(?P<tag>(?:[\w.-]+:)?(?P<local>(?i:{personal})))(?:\s[^<>]*)?>)"
                r"(?P<text>[^<]*)(</(?P=tag)\s*>)") if personal else None,
            numbers=re.compile(rf"(?<!\d)(?:{ids})(?!\d)") if ids else None,
            shaped=re.compile(rf"\s*(?:{ids})\s*") if ids else None,
            person_tokens=re.compile(
                (rf"(?<!\d)(?:{ids})(?!\d)|" if ids else "")
                + rf"(?P<date>{_DATE})|(?P<digits>\d{{5,}})|(?P<word>[^\W\d_]+)"),
            identifiers=identifiers,
        )

    def kind_of(self, name: str) -> Kind | Identifier | None:
        """What a value named ``name`` is, by the declared names (None: not said)."""
        m = self.kinds.fullmatch(name)
        return self.meaning[m.lastgroup] if m and m.lastgroup else None


def _checked(obj: object) -> PersonalVocabulary:
    """The declaration an entry point names, its patterns compiled once to find errors."""
    if not isinstance(obj, PersonalVocabulary):
        raise TypeError(f"{obj!r} is not a PersonalVocabulary")
    for pattern in [*obj.names.values(), *obj.hints.values(),
                    *(p for i in obj.identifiers for p in (i.shape, i.names))]:
        re.compile(pattern)
    return obj


_lock = threading.RLock()
_compiled: Vocabulary | None = None
_loading = False


def current() -> Vocabulary:
    """The installed plug-ins' vocabulary, loaded and compiled on the first call."""
    return _compiled or _load()


def _load() -> Vocabulary:
    global _compiled, _loading
    failed: list[tuple[str, str, Exception]] = []
    with _lock:
        if _compiled is not None:
            return _compiled
        if _loading:  # a record logged while a plug-in loads: no vocabulary yet
            return Vocabulary.of(())
        _loading = True
        try:
            declared = []
            for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
                try:
                    declared.append(_checked(ep.load()))
                except Exception as exc:  # noqa: BLE001 - one broken plug-in must not stop masking
                    failed.append((ep.name, ep.value, exc))
            _compiled = Vocabulary.of(declared)
        finally:
            _loading = False
    for name, value, error in failed:
        log.error("personal-data vocabulary %s (%s) failed to load: %s: %s",
                  name, value, type(error).__name__, error)
    return _compiled
