"""The hub knows no domain (issue 10): no word of the fund's formats or subsystems in hub/.

What is personal data, which identifiers a person has, which subsystems and channels exist:
all of it is declared by plug-ins (``contracts/``, ``adapters/``, ``handlers/``). This test
reads every source line of ``hub/`` and names each file:line that still speaks the domain.
"""

from __future__ import annotations

import re
from pathlib import Path

HUB = Path(__file__).resolve().parents[2] / "hub"

VOCABULARY = re.compile(
    # Distinctive enough to be found inside longer words and camelCase names.
    r"фомс|ферзл|загс|снилс|смэв|полис|егрип|егрюл|иннфл|датарожд|причсмерт"
    r"|snils|polis|zags|ferzl|smev|oplist|fatm"
    # Short ones only as words of their own ("BrokenPlugin" is no ЕНП).
    r"|(?<![^\W\d_])(?:енп|фнс|erz|enp|fam|npolis|docnum|docser)(?![^\W\d_])",
    re.IGNORECASE,
)
ALLOWED = {
    ("cli.py", "integration hub of a ТФОМС"),
    ("asyncapi.py", "интеграционного хаба ТФОМС"),
}
"""The product's own description: what the hub is for, not what it knows."""


def domain_lines(root: Path) -> list[str]:
    """``file:line: text`` of every line under ``root`` that names the domain."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            rel = path.relative_to(root).as_posix()
            if VOCABULARY.search(line) and not any(
                    rel == file and phrase in line for file, phrase in ALLOWED):
                found.append(f"hub/{rel}:{number}: {line.strip()}")
    return found


def test_hub_source_names_no_domain() -> None:
    found = domain_lines(HUB)
    assert not found, "domain vocabulary in hub/:\n" + "\n".join(found)


def test_the_check_sees_a_domain_word(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text('"""Masks SNILS."""\nclass BrokenPlugin: ...\nERZ = 1\n',
                                   encoding="utf-8")
    assert domain_lines(tmp_path) == ['hub/x.py:1: """Masks SNILS."""', "hub/x.py:3: ERZ = 1"]
