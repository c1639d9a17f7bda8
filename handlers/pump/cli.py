"""``omshub pump …``: registries of accounts without a running hub.

``synth --mo CODE --period YYYY-MM --cases N OUT.zip`` writes a synthetic package (H and L
files of VERSION 3.1, windows-1251, named by the convention), as a stream; ``--break
PATH=VALUE`` (or ``PATH=`` to remove it; ``L:PATH=…`` for the L file, ``@N`` after the path
for the N-th record) breaks one element for tests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from handlers.pump.synth.packages import Break, PackageSpec, write_package


def _period(text: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"период «{text}»: ожидается ГГГГ-ММ") from None
    if not (2011 <= year <= 2099 and 1 <= month <= 12):
        raise argparse.ArgumentTypeError(f"период «{text}»: ожидается ГГГГ-ММ")
    return year, month


def parse_break(text: str) -> Break:
    """``[L:]PATH[@N]=VALUE``; an empty VALUE removes the element."""
    path, sep, value = text.partition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"«{text}»: ожидается ПУТЬ=ЗНАЧЕНИЕ")
    file = "H"
    if path[:2] in ("H:", "L:"):
        file, path = path[0], path[2:]
    record = 1
    if "@" in path:
        path, _, n = path.partition("@")
        record = int(n)
    return Break(path, value or None, file, record)


def cmd_synth(args: argparse.Namespace) -> int:
    """Write one synthetic package."""
    year, month = args.period
    if not args.mo.isdigit() or len(args.mo) > 6:
        print(f"ошибка: код МО «{args.mo}» — до шести цифр", file=sys.stderr)
        return 2
    spec = PackageSpec(mo=args.mo, year=year, month=month, cases=args.cases,
                       number=str(args.number), tfoms=args.tfoms, seed=args.seed,
                       breaks=tuple(args.breaks or ()))
    out = Path(args.out)
    if out.is_dir():
        out = out / f"{spec.name.stem}.zip"
    name = write_package(out, spec)
    print(f"{out}: пакет {name.stem}, случаев {args.cases}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``pump`` and its subcommands to the ``omshub`` parser."""
    pump = subparsers.add_parser("pump", help="registries of accounts from clinics (ПУМП)")
    sub = pump.add_subparsers(dest="pump_command", required=True)
    sy = sub.add_parser("synth", help="write a synthetic package (H + L files in a zip)")
    sy.add_argument("--mo", required=True, help="the clinic's code (F003), e.g. 020101")
    sy.add_argument("--period", required=True, type=_period, help="YYYY-MM")
    sy.add_argument("--cases", required=True, type=int, help="number of cases")
    sy.add_argument("--number", type=int, default=1, help="package number N of the name")
    sy.add_argument("--tfoms", default="02", help="the fund's code (receiver)")
    sy.add_argument("--seed", type=int, default=1)
    sy.add_argument("--break", dest="breaks", action="append", type=parse_break,
                    metavar="[L:]PATH[@N]=VALUE", help="set or remove one element")
    sy.add_argument("out", help="the zip to write (or a folder: named by the convention)")
    sy.set_defaults(func=cmd_synth)
