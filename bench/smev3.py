"""СМЭВ 3 signing throughput: our pipeline per crypto backend against the ``openssl`` command.

Crypto part (this file), then the envelope part of ``bench/smev3_envelopes.py`` in the same
run (our build+validate against lxml parse+validate; described there):

- *transform*: exc-c14n + the СМЭВ transform of SenderProvidedRequestData (no crypto);
- *digest*: Streebog-256 of the transform's output per backend;
- *transform+digest+sign*: :func:`adapters.smev3.signature.sign` on a fresh copy of the
  envelope — exc-c14n, transform, Streebog of the result, SignedInfo built, exc-c14n of it,
  Streebog and GOST R 34.10-2012 signature of that — per backend;
- *verify envelope*: :func:`adapters.smev3.signature.verify` of the signed envelope per
  backend (the digest recomputed through the transform, then the SignatureValue checked);
- *verify SignatureValue*: the backend's GOST verification alone, over exc-c14n(SignedInfo)
  of that envelope, beside ``openssl dgst -verify`` of the same bytes with the same
  signature and public key (a process per verification, and N in one shell loop);
- baseline *openssl dgst -sign*: the OpenSSL GOST engine hashing and signing the same octets
  (the transform's output), one ``openssl`` process per signature, started from Python with
  the data on stdin — and, to take Python out of it, N runs in one shell loop. The OpenSSL
  3.0 command line has no way to make N GOST signatures in one process (``openssl speed``
  knows no GOST signatures, the interactive prompt does not read commands from a pipe), so
  every openssl figure includes a process start, engine load and key parse per signature.

    python bench/smev3.py [--seconds 1] [--rounds 3] [--records 40] [--schemas DIR]

Prints operations per second, milliseconds per operation and the ratio to the baseline: the
median of ``--rounds`` rounds per line.
Needs ``openssl`` with the GOST engine (test keys are generated with it into a temporary
directory and removed afterwards).
"""

from __future__ import annotations

import argparse
import base64
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import smev3_envelopes as envelopes  # type: ignore[import-not-found,unused-ignore]  # noqa: E402
from smev3_envelopes import rate  # type: ignore[import-not-found,unused-ignore]  # noqa: E402

from adapters.smev3 import signature  # noqa: E402
from adapters.smev3.transform import digest_input, exc_c14n  # noqa: E402
from contracts import xmlsafe  # noqa: E402
from hub.crypto import (  # noqa: E402
    ProviderUnavailable,
    algorithms,
    get_provider,
    load_certificate,
    load_private_key,
)

T13 = "urn://x-artefacts-smev-gov-ru/services/message-exchange/types/1.3"
BASIC13 = "urn://x-artefacts-smev-gov-ru/services/message-exchange/types/basic/1.3"
DIGEST_2012_256 = algorithms.DIGEST_2012_256
KEYS = {"256": ("gost2012_256", "A", "-md_gost12_256"),
        "512": ("gost2012_512", "A", "-md_gost12_512")}


@dataclass(frozen=True)
class Row:
    """One measured line of the table."""

    operation: str
    backend: str
    per_second: float
    baseline: bool = False


def envelope(records: int) -> bytes:
    """A SendRequestRequest 1.3 whose payload has ``records`` Cyrillic person records."""
    people = "".join(
        f'<r:Person n="{i}"><r:Family>Иванов-{i}</r:Family><r:Given>Пётр</r:Given>'
        f"<r:Birth>1970-01-{i % 28 + 1:02d}</r:Birth><r:Policy>77{i:014d}</r:Policy>"
        f"<r:Note>адрес: г. Москва, ул. Тверская, д. {i} &amp; кв. &lt;{i}&gt;</r:Note>"
        "</r:Person>" for i in range(records))
    return (f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f'<ns:SendRequestRequest xmlns:ns="{T13}"><ns:SenderProvidedRequestData Id="SIGNED">'
            f"<ns:MessageID>0b0a4b5e-0000-11ee-8000-000000000001</ns:MessageID>"
            f'<b:MessagePrimaryContent xmlns:b="{BASIC13}"><r:Request xmlns:r="urn://bench/r">'
            f"{people}</r:Request></b:MessagePrimaryContent></ns:SenderProvidedRequestData>"
            f"</ns:SendRequestRequest></soap:Body></soap:Envelope>").encode()


def _openssl(*args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["openssl", *args], input=data, capture_output=True, check=True)
    return done.stdout


def make_keys(directory: Path) -> dict[str, tuple[Path, Path, Path]]:
    """Throwaway GOST key pairs, self-signed certificates and public keys (bench material)."""
    made = {}
    for size, (algorithm, paramset, digest) in KEYS.items():
        key, cert, public = (directory / f"bench-{size}-{name}.pem"
                             for name in ("key", "cert", "pub"))
        _openssl("genpkey", "-engine", "gost", "-algorithm", algorithm, "-pkeyopt",
                 f"paramset:{paramset}", "-out", str(key))
        _openssl("req", "-engine", "gost", "-x509", "-new", "-key", str(key), digest, "-subj",
                 f"/CN=OMS Hub bench key {size}", "-days", "1", "-out", str(cert))
        _openssl("pkey", "-engine", "gost", "-in", str(key), "-pubout", "-out", str(public))
        made[size] = (key, cert, public)
    return made


def _openssl_sign(md: str, key_file: Path, octets: bytes) -> Callable[[], object]:
    return lambda: _openssl("dgst", "-engine", "gost", md, "-sign", str(key_file), "-binary",
                            data=octets)


def _shell_loop(md: str, key_file: Path, data_file: Path, loop: int) -> float:
    script = (f"for i in $(seq {loop}); do openssl dgst -engine gost {md} -sign "
              f'"{key_file}" -binary -out /dev/null "{data_file}" 2>/dev/null; done')
    start = time.perf_counter()
    subprocess.run(["sh", "-c", script], check=True)
    return loop / (time.perf_counter() - start)


def _backend_rows(size: str, name: str, root: etree._Element, signer: signature.Signer,
                  seconds: float) -> list[Row]:
    def sign_copy() -> None:
        signature.sign(copy.deepcopy(root), "SIGNED", signer)

    signed = copy.deepcopy(root)
    signature.sign(signed, "SIGNED", signer)
    return [Row(f"transform+digest+sign {size}", name, rate(sign_copy, seconds)),
            Row(f"verify envelope {size} (digest+signature)", name,
                rate(lambda: signature.verify(signed, signer.provider), seconds))]


def verify_rows(size: str, root: etree._Element, signer: signature.Signer, public: Path,
                seconds: float, directory: Path) -> list[Row]:
    """Verifications per second of one SignatureValue: ours per backend, then openssl's."""
    signed = copy.deepcopy(root)
    made = signature.sign(signed, "SIGNED", signer)
    info = exc_c14n(made[0])
    value = base64.b64decode(made[1].text or "")
    uri, md = signer.scheme.uri, KEYS[size][2]
    info_file, sig_file = directory / f"info-{size}.xml", directory / f"sig-{size}.bin"
    info_file.write_bytes(info)
    sig_file.write_bytes(value)
    rows = []
    for name in ("gostcrypto", "openssl"):
        provider = get_provider(name)
        if not provider.verify(info, value, signer.certificate, uri):
            raise SystemExit(f"{name} does not verify its own {size} signature")
        rows.append(Row(f"verify SignatureValue {size} ({len(info)} B SignedInfo)", name,
                        rate(partial(provider.verify, info, value, signer.certificate, uri),
                             seconds)))
    command = ["dgst", "-engine", "gost", md, "-verify", str(public), "-signature",
               str(sig_file), str(info_file)]
    if b"Verified OK" not in _openssl(*command):
        raise SystemExit(f"openssl dgst -verify refuses our {size} signature")
    rows.append(Row(f"openssl dgst -verify {size}, process per verification", "openssl CLI",
                    rate(partial(_openssl, *command), seconds)))
    script = (f"for i in $(seq 50); do openssl {' '.join(command)} >/dev/null 2>&1; done")
    start = time.perf_counter()
    subprocess.run(["sh", "-c", script], check=True)
    rows.append(Row(f"openssl dgst -verify {size}, 50 in one shell loop", "openssl CLI",
                    50 / (time.perf_counter() - start)))
    return rows


def crypto_rows(keys: dict[str, tuple[Path, Path, Path]], records: int, seconds: float,
                directory: Path) -> list[Row]:
    """The crypto part: transform, sign and verify per backend, and the openssl baselines."""
    document = envelope(records)
    root = xmlsafe.parse(document)
    target = signature.find_by_id(root, "SIGNED")[0]
    octets = digest_input(target)
    data_file = directory / "octets.bin"
    data_file.write_bytes(octets)
    rows = [Row(f"transform ({len(document) // 1024} KB envelope)", "-",
                rate(lambda: digest_input(target), seconds))]
    for name in ("gostcrypto", "openssl"):
        provider = get_provider(name)
        rows.append(Row(f"digest Streebog-256 of the transform output ({len(octets)} B)", name,
                        rate(partial(provider.digest, octets, DIGEST_2012_256), seconds)))
    for size, (key_file, cert_file, public) in keys.items():
        md = KEYS[size][2]
        rows.append(Row(f"openssl dgst -sign {size}, process per signature", "openssl CLI",
                        rate(_openssl_sign(md, key_file, octets), seconds),
                        baseline=size == "256"))
        rows.append(Row(f"openssl dgst -sign {size}, 50 in one shell loop", "openssl CLI",
                        _shell_loop(md, key_file, data_file, 50)))
        key = load_private_key(key_file.read_bytes())
        cert = load_certificate(cert_file.read_bytes())
        for name in ("gostcrypto", "openssl"):
            signer = signature.Signer(key, cert, get_provider(name))
            rows.extend(_backend_rows(size, name, root, signer, seconds))
        rows.extend(verify_rows(size, root, signature.Signer(key, cert, get_provider("openssl")),
                                public, seconds, directory))
    return rows


def print_table(rows: list[Row]) -> None:
    """Operations per second, ms per operation and the ratio to the baseline row."""
    base = next((r.per_second for r in rows if r.baseline), None)
    print(f"{'operation':<62}{'backend':<13}{'ops/s':>10}{'ms/op':>10}{'vs base':>9}")
    for row in rows:
        ratio = f"{row.per_second / base:.2f}x" if base else "-"
        mark = " (baseline)" if row.baseline else ""
        print(f"{row.operation:<62}{row.backend:<13}{row.per_second:>10.1f}"
              f"{1000 / row.per_second:>10.2f}{ratio:>9}{mark}")


def median_rows(rounds: list[list[Row]]) -> list[Row]:
    """Per line, the median rate over the rounds (a shared machine is noisy)."""
    return [Row(first.operation, first.backend,
                statistics.median(r[i].per_second for r in rounds), first.baseline)
            for i, first in enumerate(rounds[0])]


def envelope_part(schemas: Path, records: int, seconds: float, rounds: int) -> None:
    """The envelope part (bench/smev3_envelopes.py), in the same run."""
    if not schemas.is_dir():
        print(f"\nenvelope part skipped: the СМЭВ 3 schemas are not at {schemas}")
        return
    from adapters.smev3 import protocol
    from contracts.schemas import SchemaStore

    validator = protocol.EnvelopeValidator(SchemaStore(schemas),
                                           repairs=[protocol.repair_rnip_1_2])
    print()
    envelopes.print_figures(envelopes.median(
        [envelopes.figures(validator, records, seconds) for _ in range(rounds)]))


def main() -> None:
    """Run the crypto part ``--rounds`` times and print the medians, then the envelope part."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per measurement (default 1)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; medians are printed")
    ap.add_argument("--records", type=int, default=40, help="person records in the payload")
    ap.add_argument("--schemas", type=Path, default=ROOT.parent / "shared" / "fixtures" / "smev3",
                    help="message-exchange XSDs for the envelope part")
    args = ap.parse_args()
    try:
        get_provider("openssl").check()
    except ProviderUnavailable as exc:
        sys.exit(f"bench/smev3.py needs openssl with the GOST engine: {exc}")
    with tempfile.TemporaryDirectory(prefix="omshub-bench-") as tmp:
        directory = Path(tmp)
        keys = make_keys(directory)
        rounds = [crypto_rows(keys, args.records, args.seconds, directory)
                  for _ in range(args.rounds)]
    print_table(median_rows(rounds))
    print(f"\nmedians of {args.rounds} rounds of {args.seconds:g} s per line; "
          f"{os.cpu_count()} CPUs; ratios against the 256-bit openssl process per signature")
    envelope_part(args.schemas, args.records, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
