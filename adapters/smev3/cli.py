"""``omshub smev3 …``: the adapter's command line (registered through ``omshub.cli``).

``verify FILE`` prints every signature of a СМЭВ envelope with its verdict and exits 1 if any
is invalid (or there is none); ``sign FILE --id ID --key KEY --cert CERT`` signs the element
with that Id and prints the document. Exit code 2: the input or the options are unusable.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.smev3 import signature, trust
from adapters.smev3.official_api.cli import add_api_system_command
from adapters.smev3.scaffold import add_new_type_command
from adapters.smev3.send import add_send_command
from contracts import xmlsafe
from hub.crypto import (
    DEFAULT,
    CryptoError,
    CryptoProvider,
    KeyFormatError,
    UnknownProvider,
    UnsupportedAlgorithm,
    algorithms,
    get_provider,
    load_certificate,
    load_private_key,
    provider_names,
)


class UsageError(Exception):
    """Input the command cannot work with; printed, exit code 2."""


def xml_payload(data: bytes) -> bytes:
    """The XML of a file: itself, or the first part of a MIME multipart (MTOM) message."""
    stripped = data.lstrip()
    if not stripped.startswith(b"--"):
        return data
    boundary = stripped.split(b"\n", 1)[0].strip()
    for part in stripped.split(boundary)[1:]:
        head, sep, body = part.replace(b"\r\n", b"\n").partition(b"\n\n")
        if sep and body.lstrip().startswith(b"<"):
            return body.strip()
    raise UsageError("a MIME multipart message without an XML part")


def _parse(path: str) -> etree._Element:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return xmlsafe.parse(xml_payload(data))
    except xmlsafe.UnsafeXml as exc:
        raise UsageError(f"{path}: {exc}") from exc


def _provider(name: str) -> CryptoProvider:
    try:
        provider = get_provider(name)
        provider.check()
    except (UnknownProvider, CryptoError) as exc:
        raise UsageError(str(exc)) from exc
    return provider


def _when(report: signature.SignatureReport) -> str:
    if report.not_before is None or report.not_after is None:
        return "-"
    state = {True: "current", False: "NOT CURRENT", None: "not checked"}
    return (f"{report.not_before:%Y-%m-%d %H:%M}Z … {report.not_after:%Y-%m-%d %H:%M}Z "
            f"({state[report.certificate_current]})")


def _print_report(number: int, report: signature.SignatureReport) -> None:
    scheme = algorithms.SIGNATURES.get(report.algorithm)
    verdict = {True: "ok", False: "FAILED", None: "not checked"}
    target = f" ({report.signed_element})" if report.signed_element else ""
    rows = [
        ("signs", f"{report.reference or '-'}{target}"),
        ("algorithm", scheme.title if scheme else report.algorithm or "-"),
        ("signer", report.signer or "-"),
        ("issuer", report.issuer or "-"),
        ("certificate", _when(report)),
        ("digest", verdict[report.digest_ok]),
        ("signature", verdict[report.signature_ok]),
        ("result", ("VALID: " if report.valid else "INVALID: ") + report.reason),
    ]
    print(f"[{number}] {report.location}")
    for label, value in rows:
        print(f"    {label:<12}{value}")


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify every signature in a file; 0 only if there is one and all are valid."""
    provider = _provider(args.provider)
    root = _parse(args.file)
    at = _moment(args.at) if args.at else trust.signing_time(root)
    reports = signature.verify(root, provider, at=at, ignore_expiry=args.ignore_expiry)
    if not reports:
        print(f"{args.file}: no ds:Signature found")
        return 1
    store = Path(args.trust) if args.trust else trust.configured_trust_dir()
    if store is not None and not store.is_dir():
        raise UsageError(f"trust store {store}: not a directory")
    if store is not None:  # chains to the trust store's CAs, at the same moment
        trust.check_chains(root, reports, store, provider, at)
    if at is not None:
        print(f"certificates checked at {at:%Y-%m-%d %H:%M:%S}Z")
    for number, report in enumerate(reports, 1):
        _print_report(number, report)
    valid = sum(r.valid for r in reports)
    print(f"{args.file}: {valid} of {len(reports)} signature(s) valid")
    if not args.ignore_expiry and any(r.certificate_current is False for r in reports):
        print("(for an archived message, --ignore-expiry checks signatures regardless of "
              "certificate dates)")
    return 0 if valid == len(reports) else 1


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--at {text!r}: not a date and time (ISO 8601, e.g. "
                         f"2024-05-01T12:00:00+03:00)") from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _container(root: etree._Element, name: str | None) -> etree._Element | None:
    if not name:
        return None
    found: list[etree._Element] = root.xpath("//*[local-name()=$n]", n=name)
    if not found:
        raise UsageError(f"no element named {name} to put the signature into")
    return found[0]


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign the element with the Id and print (or write) the document."""
    root = _parse(args.file)
    try:
        signer = signature.Signer(load_private_key(Path(args.key).read_bytes()),
                                  load_certificate(Path(args.cert).read_bytes()),
                                  _provider(args.provider), args.algorithm or "")
        signature.sign(root, args.id, signer, _container(root, args.into))
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    except (KeyFormatError, UnsupportedAlgorithm, signature.SigningError, CryptoError) as exc:
        raise UsageError(str(exc)) from exc
    document = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    if args.output:
        Path(args.output).write_bytes(document)
    else:
        sys.stdout.buffer.write(document + b"\n")
        sys.stdout.flush()
    return 0


def _guarded(command: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            code: int = command(args)
        except UsageError as exc:
            print(f"omshub smev3: {exc}", file=sys.stderr)
            return 2
        return code

    run.__doc__ = command.__doc__
    return run


def register(subparsers: Any) -> None:
    """Add ``smev3`` and its subcommands to the ``omshub`` parser (entry point ``omshub.cli``)."""
    smev3 = subparsers.add_parser("smev3", help="СМЭВ 3 adapter: signatures")
    sub = smev3.add_subparsers(dest="smev3_command", required=True)
    providers = f"crypto backend: {', '.join(provider_names())} (default {DEFAULT})"

    verify = sub.add_parser("verify", help="verify every signature in an envelope")
    verify.add_argument("file", help="the envelope (XML, or MTOM multipart)")
    verify.add_argument("--provider", default=DEFAULT, help=providers)
    verify.add_argument("--ignore-expiry", action="store_true",
                        help="an expired certificate is a note, not a failure (archives)")
    verify.add_argument("--at", metavar="DATETIME",
                        help="moment certificates must be valid at, ISO 8601 (default: the "
                             "signing time the envelope carries, else now); archives")
    verify.add_argument("--trust", metavar="DIR",
                        help="trust store: CA certificates and CRLs; check each signer's "
                             "chain (default: [plugins.smev3] trust_dir of OMSHUB_CONFIG)")
    verify.set_defaults(func=_guarded(cmd_verify))

    sign = sub.add_parser("sign", help="sign the element with an Id, print the document")
    sign.add_argument("file")
    sign.add_argument("--id", required=True, help="Id of the element to sign")
    sign.add_argument("--key", required=True, help="private key, PEM (PKCS#8)")
    sign.add_argument("--cert", required=True, help="the key's certificate, PEM or DER")
    sign.add_argument("--provider", default=DEFAULT, help=providers)
    sign.add_argument("--algorithm", help="SignatureMethod URI (default: the key's)")
    sign.add_argument("--into", metavar="NAME",
                      help="local name of the element to put ds:Signature in (default: "
                           "PersonalSignature or CallerInformationSystemSignature, created)")
    sign.add_argument("-o", "--output", help="write the document here instead of stdout")
    sign.set_defaults(func=_guarded(cmd_sign))

    add_new_type_command(sub)  # `omshub smev3 new-type` (adapters/smev3/scaffold.py)
    add_send_command(sub)  # `omshub smev3 send` (adapters/smev3/send.py)
    add_api_system_command(sub)  # `omshub smev3 api-system` (official_api/cli.py)
