#!/usr/bin/env python3
"""Verify a decoded Jianguan compliance plaque (合规码牌) independently of the Swift code.

usage: plaque.py PLAQUE_FILE VERIFIER_KEY_TEXT

PLAQUE_FILE holds the QR code's text exactly (a signed note); VERIFIER_KEY_TEXT is the bureau's
checkpoint verifier key. Exits 0 and prints the fields when the signature is valid and the text
is a canonical `jianguan plaque v1` statement; exits 1 with the reason on stderr otherwise.
Written from docs/PLAQUE-FORMAT.md; the signed note is opened by checkpoint.py's `open_note`.
"""

import datetime
import re
import sys

from checkpoint import Refused, canonical_b64decode, open_note

FORMAT_LINE = "jianguan plaque v1"
LABELS = ["origin", "name", "uscc", "licence", "bank", "account", "status", "date", "size", "root"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
OVERRIDE = " checksum-override"


def check_text(value, field):
    """1-100 characters, no control/bidi/line-separator character, no white space at either end."""
    forbidden = lambda c: ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E \
        or 0x2066 <= ord(c) <= 0x2069 or c in "\u2028\u2029"
    if not value or len(value) > 100 or value[0].isspace() or value[-1].isspace() or any(map(forbidden, value)):
        raise Refused(f"{field} {value!r} is not 1-100 characters of clean text")


def check_uscc(value):
    code, override = (value[: -len(OVERRIDE)], True) if value.endswith(OVERRIDE) else (value, False)
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code) or not code[2:8].isdigit():
        raise Refused(f"uscc {code!r} is not 18 characters of the credit code alphabet")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code, USCC_WEIGHTS))
    valid = USCC_ALPHABET[(31 - total % 31) % 31] == code[17]
    if valid == override:
        raise Refused(f"uscc {value!r}: the check character {'passes' if valid else 'fails'}")


def parse_statement(text):
    if not text.endswith("\n"):
        raise Refused("the statement does not end with a newline")
    lines = text[:-1].split("\n")
    if lines[0] != FORMAT_LINE or len(lines) != 11:
        raise Refused(f"not an 11-line {FORMAT_LINE} statement")
    fields = {}
    for label, line in zip(LABELS, lines[1:]):
        if not line.startswith(label + " "):
            raise Refused(f"line {line!r} does not start with {label!r}")
        fields[label] = line[len(label) + 1 :]
    f = fields
    if not f["origin"] or len(f["origin"]) > 200 or any(c.isspace() or c == "+" or ord(c) < 0x20 for c in f["origin"]):
        raise Refused(f"origin {f['origin']!r} is not a key name")
    check_text(f["name"], "name")
    check_text(f["bank"], "bank")
    check_uscc(f["uscc"])
    if not re.fullmatch(r"教民[0-9]{10,20}号", f["licence"]):
        raise Refused(f"licence {f['licence']!r} is not 教民, 10-20 digits, 号")
    if not re.fullmatch(r"[0-9][0-9-]{7,31}", f["account"]):
        raise Refused(f"account {f['account']!r} is not 8-32 digits and hyphens")
    if f["status"] not in ("active", "suspended", "revoked"):
        raise Refused(f"status {f['status']!r} is unknown")
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", f["date"]):
        raise Refused(f"date {f['date']!r} is not YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(f["date"])
    except ValueError:
        raise Refused(f"date {f['date']!r} does not exist")
    if not re.fullmatch(r"[1-9][0-9]{0,18}", f["size"]) or int(f["size"]) >= 1 << 63:
        raise Refused(f"size {f['size']!r} is not a canonical decimal from 1")
    if len(f["root"]) != 44 or len(canonical_b64decode(f["root"])) != 32:
        raise Refused(f"root {f['root']!r} is not the base64 of 32 bytes")
    return fields


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 1
    try:
        with open(argv[1], "rb") as handle:
            fields = parse_statement(open_note(handle.read(), argv[2]))
    except (OSError, Refused) as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    print("valid plaque")
    for label in LABELS:
        print(f"{label} {fields[label]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
