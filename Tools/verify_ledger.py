#!/usr/bin/env python3
"""Independent verifier of a Jianguan ledger, written from docs/LEDGER-FORMAT.md alone.

Reads `jianguan ledger export` (JSON lines) on stdin or from a file and checks, for every entry:
the hash is SHA-256 of the entry bytes; the bytes are canonical JSON; seq runs 1, 2, 3, … without
gaps; prev is the previous entry's hash; the postings of money entries sum to zero; no
enrollment's escrow goes negative; and per enrollment paid = released + refunded + escrow.
Prints the RFC 6962 Merkle root and the total escrow; exits 0 when everything holds, 1 otherwise.

Usage: jianguan ledger export | python3 Tools/verify_ledger.py [--json]
"""
import base64
import hashlib
import json
import sys


def canonical(value):
    """The canonical encoding of docs/LEDGER-FORMAT.md: sorted keys, no blanks, minimal escapes."""
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, str):
        out = bytearray(b'"')
        for byte in value.encode("utf-8"):
            if byte == 0x22:
                out += b'\\"'
            elif byte == 0x5C:
                out += b"\\\\"
            elif byte < 0x20:
                out += b"\\u%04x" % byte
            else:
                out.append(byte)
        return bytes(out + b'"')
    if isinstance(value, list):
        return b"[" + b",".join(canonical(item) for item in value) + b"]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-8"))
        return b"{" + b",".join(canonical(key) + b":" + canonical(value[key]) for key in keys) + b"}"
    raise ValueError("not a ledger value: %r" % (value,))


def merkle_root(leaf_hashes):
    """RFC 9162 section 2.1.1, with a stack of complete subtrees (O(log n) memory)."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    stack = []  # (size, hash)
    for leaf in leaf_hashes:
        size, node = 1, leaf
        while stack and stack[-1][0] == size:
            left = stack.pop()[1]
            node = hashlib.sha256(b"\x01" + left + node).digest()
            size *= 2
        stack.append((size, node))
    node = stack.pop()[1]
    while stack:
        node = hashlib.sha256(b"\x01" + stack.pop()[1] + node).digest()
    return node


def check_checkpoint(note, verifier_key, origin, seq, leaves):
    """A checkpoint.signed entry: its note (C2SP tlog-checkpoint in a signed note) must sign fewer
    entries than its own seq, name the log's origin, carry the Merkle root of those entries, and
    verify with the key of the last checkpoint.key entry (when Python's `cryptography` is there)."""
    if verifier_key is None:
        return "a checkpoint is signed before the log names a checkpoint key"
    text, _, signatures = note.partition("\n\n")
    lines = text.split("\n")
    if len(lines) < 3 or lines[0] != origin:
        return "the checkpoint does not name the log's origin"
    size = int(lines[1])
    if size >= seq:
        return "the checkpoint signs %d entries, not fewer than its own seq" % size
    if base64.b64decode(lines[2]) != merkle_root(leaves[:size]):
        return "the checkpoint's root is not the Merkle root of the first %d entries" % size
    name, key_hash, key = verifier_key.split("+")
    key = base64.b64decode(key)
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return None  # the signature is checked where `cryptography` is installed
    public = Ed25519PublicKey.from_public_bytes(key[1:])
    for line in signatures.split("\n"):
        if not line.startswith("\u2014 " + name + " "):
            continue
        blob = base64.b64decode(line.split(" ")[2])
        if blob[:4] != bytes.fromhex(key_hash):
            continue
        try:
            public.verify(blob[4:], (text + "\n").encode("utf-8"))
            return None
        except Exception:
            return "the checkpoint's signature does not verify with the key the log names"
    return "the checkpoint carries no signature of the key the log names"


def main():
    args = [arg for arg in sys.argv[1:] if arg != "--json"]
    source = open(args[0], encoding="utf-8") if args else sys.stdin
    faults, leaves = [], []
    previous = "0" * 64
    expected_seq = 1
    enrollments = {}  # id -> {"paid", "released", "refunded", "escrow"}
    checkpoint_key = None  # the verifier key the log names (checkpoint.key)
    origin = None
    for line in source:
        if not line.strip():
            continue
        row = json.loads(line)
        seq = row["seq"]
        raw = bytes.fromhex(row["entryHex"])
        fault = lambda message: faults.append({"seq": seq, "message": message})
        if seq != expected_seq:
            fault("expected seq %d" % expected_seq)
        expected_seq = seq + 1
        if hashlib.sha256(raw).hexdigest() != row["hash"]:
            fault("hash is not SHA-256 of the entry bytes")
        leaves.append(hashlib.sha256(b"\x00" + raw).digest())
        entry = json.loads(raw.decode("utf-8"))
        if canonical(entry) != raw:
            fault("entry bytes are not canonical JSON")
        if entry.get("seq") != seq or entry.get("prev") != previous or entry.get("v") != 1:
            fault("seq, prev or v do not match the chain")
        previous = row["hash"]
        payload, kind = entry["payload"], entry["kind"]
        postings = payload.get("postings", [])
        if sum(posting["amountFen"] for posting in postings) != 0:
            fault("postings do not sum to zero")
        if kind == "genesis":
            origin = payload.get("origin")
        elif kind == "checkpoint.key":
            checkpoint_key = payload["verifierKey"]
        elif kind == "checkpoint.signed":
            problem = check_checkpoint(payload["note"], checkpoint_key, origin, seq, leaves)
            if problem:
                fault(problem)
        if kind == "payment":
            enrollments[payload["enrollment"]] = {"paid": payload["amountFen"], "released": 0, "refunded": 0}
        elif kind in ("lesson.released", "refund"):
            balance = enrollments.get(payload["enrollment"])
            if balance is None:
                fault("money entry for an unknown enrollment")
                continue
            balance["released" if kind == "lesson.released" else "refunded"] += payload["amountFen"]
            if balance["released"] + balance["refunded"] > balance["paid"]:
                fault("escrow of %s goes negative" % payload["enrollment"])
    escrow = sum(b["paid"] - b["released"] - b["refunded"] for b in enrollments.values())
    result = {
        "ok": not faults,
        "entries": len(leaves),
        "rootHash": merkle_root(leaves).hex(),
        "escrowFen": escrow,
        "faults": faults,
    }
    if "--json" in sys.argv:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print("%s: %d entries, Merkle root %s, escrow %d fen" % (
            "ok" if result["ok"] else "FAULTS", result["entries"], result["rootHash"], escrow))
        for item in faults:
            print("FAULT seq %d: %s" % (item["seq"], item["message"]))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
