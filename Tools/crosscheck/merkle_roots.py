#!/usr/bin/env python3
"""Compute RFC 6962 / RFC 9162 Merkle tree roots independently of the Swift code.

usage: merkle_roots.py [SIZE ...] < ENTRIES

ENTRIES holds one entry per line as hex (an empty line is the empty entry). For each SIZE
(default: all entries) prints `SIZE ROOT_HEX`, the root of the tree over the first SIZE entries:

    MTH({})        = SHA-256()
    MTH({d})       = SHA-256(0x00 || d)
    MTH(D[0:n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k the largest power of 2 < n

computed by that recursive definition, with complete power-of-two subtrees cached so that many
sizes over 100,000 entries stay fast. Exits 1 on malformed input.
"""

import hashlib
import re
import sys

HEX_LINE = re.compile(r"(?:[0-9a-fA-F]{2})*")


def read_entries(stream):
    data = stream.read()
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    entries = []
    for number, line in enumerate(lines, 1):
        if not HEX_LINE.fullmatch(line):
            raise ValueError(f"line {number} is not hex: {line[:40]!r}")
        entries.append(bytes.fromhex(line))
    return entries


class Tree:
    def __init__(self, entries):
        self.leaves = [hashlib.sha256(b"\x00" + entry).digest() for entry in entries]
        self.complete = {}  # (start, width) -> hash, for complete subtrees only

    def root(self, size):
        if size == 0:
            return hashlib.sha256(b"").digest()
        return self._mth(0, size)

    def _mth(self, lo, hi):
        width = hi - lo
        if width == 1:
            return self.leaves[lo]
        is_complete = width & (width - 1) == 0
        if is_complete and (lo, width) in self.complete:
            return self.complete[(lo, width)]
        k = 1
        while k << 1 < width:
            k <<= 1
        value = hashlib.sha256(b"\x01" + self._mth(lo, lo + k) + self._mth(lo + k, hi)).digest()
        if is_complete:
            self.complete[(lo, width)] = value
        return value


def main(argv):
    try:
        entries = read_entries(sys.stdin)
        sizes = [int(argument) for argument in argv[1:]] or [len(entries)]
    except ValueError as error:
        print(f"merkle_roots.py: {error}", file=sys.stderr)
        return 1
    tree = Tree(entries)
    for size in sizes:
        if size < 0 or size > len(entries):
            print(f"merkle_roots.py: size {size} is outside 0..{len(entries)}", file=sys.stderr)
            return 1
        print(f"{size} {tree.root(size).hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
