"""GOST R 34.11-94 hash with the CryptoPro parameter set, in pure Python.

Legacy GOST 2001 signatures (``xmldsig-more#gostr3411``) hash with it, and gostcrypto has only
Streebog, so the pure-Python backend needs its own. Written from the standard (and RFC 5831,
RFC 4357 for the S-box ``id-GostR3411-94-CryptoProParamSet``); byte order is the one of every
CryptoPro-compatible implementation: the message is taken in 32-byte blocks from its first byte,
each block and every 256-bit value little-endian. Tested against ``openssl dgst -md_gost94``.
Slow (about a millisecond per block); only verification uses it.
"""

from __future__ import annotations

# S-box rows k8 … k1 of id-GostR3411-94-CryptoProParamSet (RFC 4357, 11.2).
_SBOX = (
    (0x1, 0x3, 0xA, 0x9, 0x5, 0xB, 0x4, 0xF, 0x8, 0x6, 0x7, 0xE, 0xD, 0x0, 0x2, 0xC),
    (0xD, 0xE, 0x4, 0x1, 0x7, 0x0, 0x5, 0xA, 0x3, 0xC, 0x8, 0xF, 0x6, 0x2, 0x9, 0xB),
    (0x7, 0x6, 0x2, 0x4, 0xD, 0x9, 0xF, 0x0, 0xA, 0x1, 0x5, 0xB, 0x8, 0xE, 0xC, 0x3),
    (0x7, 0x6, 0x4, 0xB, 0x9, 0xC, 0x2, 0xA, 0x1, 0x8, 0x0, 0xE, 0xF, 0xD, 0x3, 0x5),
    (0x4, 0xA, 0x7, 0xC, 0x0, 0xF, 0x2, 0x8, 0xE, 0x1, 0x6, 0x5, 0xD, 0xB, 0x9, 0x3),
    (0x7, 0xF, 0xC, 0xE, 0x9, 0x4, 0x1, 0x0, 0x3, 0xB, 0x5, 0x2, 0x6, 0xA, 0x8, 0xD),
    (0x5, 0xF, 0x4, 0x0, 0x2, 0xD, 0xB, 0x9, 0x1, 0x7, 0x6, 0x3, 0xC, 0xE, 0xA, 0x8),
    (0xA, 0x4, 0x5, 0x6, 0x8, 0x1, 0x3, 0x7, 0xD, 0xC, 0xE, 0x0, 0x9, 0x2, 0xB, 0xF),
)
# The constant C3 of the key schedule, as bytes of the little-endian 256-bit word.
_C3 = bytes.fromhex("00ff00ff00ff00ffff00ff00ff00ff0000ffff00ff0000ffff000000ffff00ff")
_MASK32 = 0xFFFFFFFF


def _tables() -> tuple[list[int], ...]:
    """Per byte of the round input: substitution then the 11-bit rotation, folded in."""
    tables = []
    for position in range(4):
        low, high = _SBOX[7 - 2 * position], _SBOX[6 - 2 * position]
        table = []
        for byte in range(256):
            value = ((high[byte >> 4] << 4) | low[byte & 0xF]) << (8 * position)
            table.append(((value << 11) | (value >> 21)) & _MASK32)
        tables.append(table)
    return tuple(tables)


_T0, _T1, _T2, _T3 = _tables()
_ORDER = (0, 1, 2, 3, 4, 5, 6, 7) * 3 + (7, 6, 5, 4, 3, 2, 1, 0)


def _encrypt(key: bytes, block: bytes) -> bytes:
    """GOST 28147-89 in simple replacement mode on one 8-byte block."""
    words = [int.from_bytes(key[i:i + 4], "little") for i in range(0, 32, 4)]
    n1 = int.from_bytes(block[:4], "little")
    n2 = int.from_bytes(block[4:], "little")
    for i, k in enumerate(_ORDER):
        x = ((n1 if i % 2 == 0 else n2) + words[k]) & _MASK32
        f = _T0[x & 0xFF] ^ _T1[(x >> 8) & 0xFF] ^ _T2[(x >> 16) & 0xFF] ^ _T3[x >> 24]
        if i % 2 == 0:
            n2 ^= f
        else:
            n1 ^= f
    return n2.to_bytes(4, "little") + n1.to_bytes(4, "little")


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _a(y: bytes) -> bytes:
    """Transformation A: shift out the low 64 bits, append low ^ next."""
    return y[8:] + _xor(y[:8], y[8:16])


def _p(y: bytes) -> bytes:
    """Transformation P: the byte permutation that forms a cipher key."""
    return bytes(y[8 * (k % 4) + k // 4] for k in range(32))


def _psi(y: bytes, rounds: int) -> bytes:
    """The feedback shift ψ applied ``rounds`` times (16-bit words, little-endian)."""
    data = bytearray(y)
    for _ in range(rounds):
        acc0 = data[0] ^ data[2] ^ data[4] ^ data[6] ^ data[24] ^ data[30]
        acc1 = data[1] ^ data[3] ^ data[5] ^ data[7] ^ data[25] ^ data[31]
        del data[:2]
        data += bytes((acc0, acc1))
    return bytes(data)


def _step(h: bytes, m: bytes) -> bytes:
    """The compression function: new H from H and one 32-byte block."""
    u, v = h, m
    s = b""
    for i in range(4):
        if i:
            u = _xor(_a(u), _C3) if i == 2 else _a(u)
            v = _a(_a(v))
        s += _encrypt(_p(_xor(u, v)), h[8 * i:8 * i + 8])
    return _psi(_xor(_psi(_xor(_psi(s, 12), m), 1), h), 61)


def digest(data: bytes) -> bytes:
    """GOST R 34.11-94 (CryptoPro parameters, zero IV) of ``data``: 32 bytes."""
    h = bytes(32)
    total = 0
    for start in range(0, len(data), 32):
        block = data[start:start + 32].ljust(32, b"\0")
        h = _step(h, block)
        total += int.from_bytes(block, "little")
    length = (8 * len(data)).to_bytes(32, "little")
    h = _step(h, length)
    return _step(h, (total % (1 << 256)).to_bytes(32, "little"))
