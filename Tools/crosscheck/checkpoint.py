#!/usr/bin/env python3
"""Verify a C2SP signed note (e.g. a Jianguan checkpoint) independently of the Swift code.

usage: checkpoint.py NOTE_FILE VERIFIER_KEY_TEXT

VERIFIER_KEY_TEXT is `<name>+<8 hex key hash>+<base64(0x01 || 32-byte Ed25519 public key)>`.
Exits 0 when the note is well formed and carries a valid signature by that key (and no invalid
one); exits 1 otherwise, with the reason on stderr. Written from the C2SP signed-note and
tlog-checkpoint specifications, using only the standard library and `cryptography`
(python3 -m venv .venv && .venv/bin/pip install cryptography).
"""

import base64
import hashlib
import re
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAX_NOTE_BYTES = 1 << 20
MAX_SIGNATURES = 100
EM_DASH_SPACE = "\u2014 "


class Refused(Exception):
    pass


def canonical_b64decode(text):
    """Standard padded base64, refusing any text that is not the canonical encoding."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise Refused(f"not base64: {text!r}")
    if base64.b64encode(raw).decode("ascii") != text:
        raise Refused(f"not canonical base64: {text!r}")
    return raw


def valid_name(name):
    return name != "" and "+" not in name and not any(c.isspace() or ord(c) < 0x20 for c in name)


def key_hash(name, public_key):
    """SHA-256(name || 0x0A || 0x01 || public key)[:4] as a big-endian uint32."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + b"\x01" + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def parse_verifier_key(text):
    parts = text.split("+", 2)
    if len(parts) != 3 or not valid_name(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise Refused("verifier key must be <name>+<8 lowercase hex>+<base64>")
    name, hash_hex, key64 = parts
    key = canonical_b64decode(key64)
    if len(key) != 33 or key[0] != 0x01:
        raise Refused("verifier key is not 0x01 followed by a 32-byte Ed25519 key")
    if key_hash(name, key[1:]) != int(hash_hex, 16):
        raise Refused("verifier key hash does not match its name and key")
    return name, int(hash_hex, 16), key[1:]


def open_note(note_bytes, verifier_key_text):
    """Returns the note text if a signature by the verifier key is valid, else raises Refused."""
    name, khash, public_key = parse_verifier_key(verifier_key_text)
    if len(note_bytes) > MAX_NOTE_BYTES:
        raise Refused("note larger than 1 MiB")
    try:
        note = note_bytes.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused("note is not valid UTF-8")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise Refused("note holds a control character other than newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise Refused("no blank line between text and signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if block == "" or not block.endswith("\n"):
        raise Refused("signature block is empty or does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise Refused("more than 100 signatures")
    verifier = Ed25519PublicKey.from_public_bytes(public_key)
    verified = False
    for number, line in enumerate(lines, 1):
        if not line.startswith(EM_DASH_SPACE):
            raise Refused(f"signature line {number} does not start with an em dash and a space")
        sig_name, space, sig64 = line[len(EM_DASH_SPACE) :].partition(" ")
        if not space or not valid_name(sig_name):
            raise Refused(f"signature line {number} is malformed")
        raw = canonical_b64decode(sig64)
        if len(raw) < 5:
            raise Refused(f"signature line {number} is too short")
        if sig_name != name or int.from_bytes(raw[:4], "big") != khash:
            continue  # an unknown key: allowed, not counted
        try:
            verifier.verify(raw[4:], text.encode("utf-8"))
        except InvalidSignature:
            raise Refused(f"the signature by {name}+{khash:08x} does not verify")
        verified = True
    if not verified:
        raise Refused(f"no signature by {name}+{khash:08x}")
    return text


def describe_checkpoint(text):
    """origin, size and hex root if the text is a canonical checkpoint, else None."""
    lines = text[:-1].split("\n")
    if len(lines) < 3 or lines[0] == "" or not re.fullmatch(r"0|[1-9][0-9]{0,18}", lines[1]):
        return None
    try:
        root = canonical_b64decode(lines[2])
    except Refused:
        return None
    if len(root) != 32 or any(line == "" for line in lines[3:]):
        return None
    return lines[0], int(lines[1]), root.hex()


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 1
    try:
        with open(argv[1], "rb") as handle:
            text = open_note(handle.read(), argv[2])
    except (OSError, Refused) as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    checkpoint = describe_checkpoint(text)
    if checkpoint:
        print("valid checkpoint: origin %s, size %d, root %s" % checkpoint)
    else:
        print("valid note")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
