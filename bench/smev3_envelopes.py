"""СМЭВ 3 envelope throughput: our build+validate against plain lxml parse+validate.

Envelope part of the СМЭВ 3 bench (the crypto part is ``bench/smev3.py``), per protocol
version, for a SendRequestRequest whose business content has ``--records`` Cyrillic person
records (the payload of the crypto part) and a ready ds:Signature in its signature slot:

- *build+validate* (ours): :func:`adapters.smev3.protocol.build_request` makes the envelope
  from typed values and :class:`~adapters.smev3.protocol.EnvelopeValidator` checks the SOAP
  frame and validates the operation element against the version's XSDs — what the adapter
  does before every send;
- *parse+validate* (baseline, same run): ``lxml.etree.fromstring`` of the very bytes of that
  envelope with a hardened parser, then ``XMLSchema.validate`` of the Body's element with the
  same compiled schema — the least any validating client does with an envelope in hand.

Also printed, to show where the time goes: build alone, and our validation alone.
Schemas are read from ``--schemas`` (default ``../shared/fixtures/smev3``); 1.2 with the
in-memory repair of the altered copies (see ``adapters/smev3/protocol/validation.py``).

    python bench/smev3_envelopes.py [--seconds 1] [--rounds 3] [--records 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.smev3 import protocol as p  # noqa: E402
from contracts import xmlsafe  # noqa: E402
from contracts.schemas import SchemaStore  # noqa: E402

DS = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class Figure:
    """One version's rates (operations per second)."""

    version: str
    size: int
    build_validate: float
    parse_validate: float
    build: float
    validate: float


def rate(operation: Callable[[], object], seconds: float, minimum: int = 3) -> float:
    """Operations per second over at least ``seconds`` and ``minimum`` runs, after a warm-up."""
    operation()
    runs, start = 0, time.perf_counter()
    while runs < minimum or time.perf_counter() - start < seconds:
        operation()
        runs += 1
    return runs / (time.perf_counter() - start)


def content(records: int) -> etree._Element:
    """Business content with ``records`` person records (as in the crypto part's envelope)."""
    people = "".join(
        f'<r:Person n="{i}"><r:Family>Иванов-{i}</r:Family><r:Given>Пётр</r:Given>'
        f"<r:Birth>1970-01-{i % 28 + 1:02d}</r:Birth><r:Policy>77{i:014d}</r:Policy>"
        f"<r:Note>адрес: г. Москва, ул. Тверская, д. {i} &amp; кв. &lt;{i}&gt;</r:Note>"
        "</r:Person>" for i in range(records))
    return xmlsafe.parse(f'<r:Request xmlns:r="urn://bench/r">{people}</r:Request>'.encode())


def ready_signature() -> etree._Element:
    """A ds:Signature of realistic size with dummy values (signing is the crypto part)."""
    return xmlsafe.parse(
        f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod '
        'Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm='
        '"urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256"/>'
        '<ds:Reference URI="#SIGNED_BY_CONSUMER"><ds:Transforms><ds:Transform Algorithm='
        '"http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:Transform Algorithm='
        '"urn://smev-gov-ru/xmldsig/transform"/></ds:Transforms><ds:DigestMethod Algorithm='
        '"urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256"/><ds:DigestValue>'
        f'{"A" * 43}=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>'
        f'{"B" * 86}==</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f'{"C" * 2000}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>'.encode())


def figures(validator: p.EnvelopeValidator, records: int, seconds: float) -> list[Figure]:
    """One round: every version, ours and the baseline measured back to back."""
    payload, signature = content(records), ready_signature()
    found = []
    for number in p.VERSIONS:
        v = p.version(number)
        schema = validator.schema(v)

        def build(v: p.Version = v) -> etree._Element:
            call = p.SendRequestCall(p.RequestData(content=payload, node_id="bench"),
                                     caller_signature=signature)
            return p.build_request(v, call)

        def build_validate() -> None:
            validator.check(build())

        envelope = build()
        validator.check(envelope)
        data = p.to_bytes(envelope)

        def parse_validate(schema: etree.XMLSchema = schema, data: bytes = data) -> None:
            root = etree.fromstring(data, xmlsafe.parser())
            if not schema.validate(root[0][0]):
                raise AssertionError(schema.error_log)

        def validate(envelope: etree._Element = envelope) -> None:
            validator.check(envelope)

        found.append(Figure(number, len(data), rate(build_validate, seconds),
                            rate(parse_validate, seconds), rate(build, seconds),
                            rate(validate, seconds)))
    return found


def median(rounds: list[list[Figure]]) -> list[Figure]:
    """Per version, the median of each rate over the rounds (a shared machine is noisy)."""
    return [Figure(first.version, first.size,
                   *(statistics.median(getattr(r[i], name) for r in rounds)
                     for name in ("build_validate", "parse_validate", "build", "validate")))
            for i, first in enumerate(rounds[0])]


def print_figures(rows: list[Figure]) -> None:
    """The table: ours, the baseline, their ratio, and the parts of ours."""
    print(f"{'envelope (SendRequestRequest)':<34}{'build+validate':>16}{'parse+validate':>16}"
          f"{'ratio':>8}{'build':>10}{'validate':>10}")
    for row in rows:
        print(f"{'СМЭВ ' + row.version + f' ({row.size // 1024} KB)':<34}"
              f"{row.build_validate:>14.0f}/s{row.parse_validate:>14.0f}/s"
              f"{row.build_validate / row.parse_validate:>7.2f}x"
              f"{row.build:>8.0f}/s{row.validate:>8.0f}/s")


def main() -> None:
    """Measure ``--rounds`` rounds and print the medians."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per measurement (default 1)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; medians are printed")
    ap.add_argument("--records", type=int, default=40, help="person records in the payload")
    ap.add_argument("--schemas", type=Path, default=ROOT.parent / "shared" / "fixtures" / "smev3",
                    help="directory with the message-exchange XSDs (1.1, 1.2, 1.3)")
    args = ap.parse_args()
    if not args.schemas.is_dir():
        sys.exit(f"bench/smev3_envelopes.py needs the СМЭВ 3 schemas: {args.schemas} is absent")
    validator = p.EnvelopeValidator(SchemaStore(args.schemas), repairs=[p.repair_rnip_1_2])
    rounds = [figures(validator, args.records, args.seconds) for _ in range(args.rounds)]
    print_figures(median(rounds))
    print(f"\nmedians of {args.rounds} rounds of {args.seconds:g} s per figure; {os.cpu_count()} "
          "CPUs; ratio = ours / baseline (above 1: faster than parsing the same bytes)")


if __name__ == "__main__":
    main()
