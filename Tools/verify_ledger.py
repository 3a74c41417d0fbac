#!/usr/bin/env python3
"""Independent verifier of a Jianguan ledger, written from docs/LEDGER-FORMAT.md alone.

Reads `jianguan ledger export` (JSON lines) on stdin or from a file and checks, for every entry:
the hash is SHA-256 of the entry bytes; the bytes are deterministic CBOR (RFC 8949 section 4.2.1:
decoded with cbor2, re-encoded with canonical=True, compared byte for byte) holding only integers,
text, byte strings (prev), arrays, maps and booleans; seq runs 1, 2, 3, … without gaps; prev is the previous entry's hash; entry times never go backwards; the postings of money
entries sum to zero; no enrollment's escrow goes negative; and per enrollment paid = released +
refunded + escrow. Timing (docs/LEDGER-FORMAT.md §4 "Time"): each `calendar` entry is a valid
year, loaded once; no payment or lesson is dated after its entry; a lesson deemed confirmed was
recorded at least N working days before (counted with the log's calendar; N is
--confirmation-window, default 7, the shortest window of Data/policy.json: the policy values are
not yet entries of the log); a refund application is due on the M-th working day after the day it
was made (M is --refund-answer-days, default 5).
With --tiles DB, it also reads the table merkle_tiles of the database DB (docs/LEDGER-FORMAT.md
"Merkle tiles") and checks that it holds exactly the tiles recomputed from the entries' leaf
hashes: every tile, its width, every byte of its hashes and of its inner levels, none missing
and none surplus.
With --v1 EXPORT, the export of the version 1 ledger a database was upgraded from: the genesis's
continuity record (v1Size, v1Root, v1Head) must be that log's size, RFC 6962 Merkle root and last
entry hash, recomputed from its entry bytes.
Prints the RFC 6962 Merkle root and the total escrow; exits 0 when everything holds, 1 otherwise.
Needs cbor2 (pip install cbor2).

Usage: jianguan ledger export | python3 Tools/verify_ledger.py [--json] [--confirmation-window N]
       [--refund-answer-days M] [--tiles DB] [--v1 V1EXPORT]
"""
import base64
import datetime
import hashlib
import json
import sqlite3
import sys

try:
    import cbor2
except ImportError:
    sys.exit("verify_ledger.py needs the cbor2 package: pip install cbor2")

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def entry_moment(text):
    """The UTC time YYYY-MM-DDTHH:MM:SSZ of an entry, or None."""
    try:
        if len(text) != 20 or not text.endswith("Z"):
            return None
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def calendar_year(payload):
    """The days off and worked weekends of a calendar entry, or a reason it is malformed."""
    year = payload.get("year")
    if not isinstance(year, int) or not 1 <= year <= 9999:
        return "the year is not 1...9999"
    days = {}
    for name, weekend in (("weekdaysOff", False), ("weekendsWorked", True)):
        try:
            listed = [datetime.date.fromisoformat(text) for text in payload.get(name, [])]
        except (TypeError, ValueError):
            return "%s holds a value that is not a date" % name
        if any(later <= earlier for earlier, later in zip(listed, listed[1:])):
            return "%s is not strictly ascending" % name
        if any(day.year != year or (day.weekday() >= 5) != weekend for day in listed):
            return "%s has a day of another year or of the wrong kind of weekday" % name
        days[name] = set(listed)
    return year, days["weekdaysOff"], days["weekendsWorked"]


def is_working_day(calendar, day):
    """Whether `day` is a working day of the log's calendar; None in a year it does not load."""
    if day.year not in calendar:
        return None
    off, worked = calendar[day.year]
    return day in worked or (day.weekday() < 5 and day not in off)


def nth_working_day(calendar, n, after):
    """The n-th working day after `after`, or None when the count reaches a year not loaded."""
    day, counted = after, 0
    while counted < max(n, 1):
        day += datetime.timedelta(days=1)
        working = is_working_day(calendar, day)
        if working is None:
            return None
        counted += working
    return day


ENVELOPE = {"kind", "payload", "prev", "seq", "time", "v"}
INT64 = range(-(2 ** 63), 2 ** 63)


def ledger_value(value, bytes_allowed=False):
    """Whether a decoded value is in the ledger's subset: integers within signed 64 bits, text,
    booleans, arrays, maps with text keys (and byte strings only where the format has them)."""
    if isinstance(value, bool) or isinstance(value, str):
        return True
    if isinstance(value, int):
        return value in INT64
    if isinstance(value, bytes):
        return bytes_allowed
    if isinstance(value, list):
        return all(ledger_value(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and ledger_value(item) for key, item in value.items())
    return False


def decode_entry(raw):
    """The entry map of deterministic CBOR bytes, or a reason they are not one."""
    try:
        entry = cbor2.loads(raw)
    except Exception as error:
        return "entry bytes are not CBOR: %s" % error
    if not isinstance(entry, dict) or set(entry) != ENVELOPE:
        return "entry is not a map of exactly kind, payload, prev, seq, time, v"
    if not all(ledger_value(entry[key], bytes_allowed=(key == "prev")) for key in entry):
        return "entry holds a value outside the ledger's CBOR subset (a float, null, tag or the like)"
    try:
        again = cbor2.dumps(entry, canonical=True)
    except Exception as error:
        return "entry cannot be re-encoded: %s" % error
    if again != raw:
        return "entry bytes are not deterministic CBOR (re-encoding gives other bytes)"
    if not isinstance(entry["payload"], dict) or not isinstance(entry["kind"], str):
        return "entry's payload is not a map or its kind not text"
    return entry


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


TILE_WIDTH = 256  # C2SP tlog-tiles: 256 hashes a tile, each tile level 8 tree levels up


def merkle_tiles(leaf_hashes):
    """{(level, index): (hashes, levels)} of the tree over leaf_hashes: tile level L holds the
    hashes of tree level 8L (the roots of complete subtrees of 256^L leaves), 256 to a tile, the
    last tile of a level partial; beside each tile, its inner levels (tile_levels)."""
    tiles, hashes, level = {}, list(leaf_hashes), 0
    while hashes:
        for index in range(0, len(hashes), TILE_WIDTH):
            row = hashes[index:index + TILE_WIDTH]
            tiles[(level, index // TILE_WIDTH)] = (b"".join(row), tile_levels(row))
        above = []
        for index in range(0, len(hashes) - TILE_WIDTH + 1, TILE_WIDTH):
            row = hashes[index:index + TILE_WIDTH]
            while len(row) > 1:
                row = [hashlib.sha256(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row), 2)]
            above.append(row[0])
        hashes, level = above, level + 1
    return tiles


INNER_LEVELS = (4, 5, 6, 7)  # the levels of each tile kept beside it, in column `levels`


def tile_levels(row):
    """The column `levels` of a tile whose hashes are `row`: for each hash j of the tile in
    order, the root of every complete subtree over 2^k of the tile's hashes (k = 4, 5, 6, 7)
    that hash j completes, lowest k first, concatenated."""
    levels = [list(row)]
    for _ in range(max(INNER_LEVELS)):
        below = levels[-1]
        levels.append([hashlib.sha256(b"\x01" + below[i] + below[i + 1]).digest()
                       for i in range(0, len(below) - 1, 2)])
    out = []
    for j in range(len(row)):
        for k in INNER_LEVELS:
            if (j + 1) % (1 << k) == 0:
                out.append(levels[k][((j + 1) >> k) - 1])
    return b"".join(out)


def check_tiles(path, leaf_hashes):
    """Faults for each tile of table merkle_tiles in database `path` that differs from the
    tiles of the entries: changed, of another width, missing, or surplus, its hashes or its
    inner levels."""
    wanted = merkle_tiles(leaf_hashes)
    database = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    stored = {(level, index): (width, hashes, levels) for level, index, width, hashes, levels in
              database.execute("SELECT level, idx, width, hashes, levels FROM merkle_tiles")}
    database.close()
    faults = []
    for (level, index), (hashes, levels) in sorted(wanted.items()):
        place = "table merkle_tiles, tile %d/%d" % (level, index)
        if (level, index) not in stored:
            faults.append(place + ": missing")
            continue
        width, blob, stored_levels = stored[(level, index)]
        if width != len(hashes) // 32 or len(blob) != 32 * width:
            faults.append(place + ": width %d, the entries give %d" % (width, len(hashes) // 32))
        elif bytes(blob) != hashes:
            faults.append(place + ": the stored hashes differ from the ones the entries give")
        elif bytes(stored_levels) != levels:
            faults.append(place + ": the stored inner levels differ from the ones the entries give")
    for level, index in sorted(set(stored) - set(wanted)):
        faults.append("table merkle_tiles, tile %d/%d: past the end of the log" % (level, index))
    return faults


def check_checkpoint(note, verifier_key, origin, seq, leaves):
    """A checkpoint.signed entry: its note (C2SP tlog-checkpoint in a signed note) must sign fewer
    entries than its own seq, name the log's origin, carry the Merkle root of those entries, and
    verify with the key of the last checkpoint.key entry (when Python's `cryptography` is there).
    `leaves` is None for a checkpoint signed on a version 1 log when its export is not given:
    then its root cannot be checked."""
    if verifier_key is None:
        return "a checkpoint is signed before the log names a checkpoint key"
    text, _, signatures = note.partition("\n\n")
    lines = text.split("\n")
    if len(lines) < 3 or lines[0] != origin:
        return "the checkpoint does not name the log's origin"
    size = int(lines[1])
    if size >= seq:
        return "the checkpoint signs %d entries, not fewer than its own seq" % size
    if leaves is not None and base64.b64decode(lines[2]) != merkle_root(leaves[:size]):
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


def v1_leaf_hashes(path):
    """The Merkle leaf hashes of the entries of a v1 ledger's export."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [hashlib.sha256(b"\x00" + bytes.fromhex(row["entryHex"])).digest() for row in rows]


def check_continuity(genesis, path):
    """The genesis of an upgraded ledger against the export of the v1 ledger it came from."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    size = genesis.get("v1Size")
    if size is None:
        return "the genesis records no v1 ledger (v1Size, v1Root, v1Head)"
    if size != len(rows):
        return "the genesis says the v1 ledger had %d entries, its export has %d" % (size, len(rows))
    leaves = [hashlib.sha256(b"\x00" + bytes.fromhex(row["entryHex"])).digest() for row in rows]
    if genesis.get("v1Root") != merkle_root(leaves).hex():
        return "the genesis's v1Root is not the Merkle root of the v1 ledger's %d entries" % size
    if genesis.get("v1Head") != hashlib.sha256(bytes.fromhex(rows[-1]["entryHex"])).hexdigest():
        return "the genesis's v1Head is not the hash of the v1 ledger's last entry"
    return None


def main():
    args = [arg for arg in sys.argv[1:] if arg != "--json"]
    options = {"--confirmation-window": 7, "--refund-answer-days": 5, "--tiles": None, "--v1": None}
    for name in options:
        if name in args:
            at = args.index(name)
            options[name] = args[at + 1] if name in ("--tiles", "--v1") else int(args[at + 1])
            del args[at:at + 2]
    window, answer_days = options["--confirmation-window"], options["--refund-answer-days"]
    source = open(args[0], encoding="utf-8") if args else sys.stdin
    calendar = {}  # year -> (weekdays off, weekends worked)
    recorded_on = {}  # lesson -> China day of its lesson.recorded entry
    last_time = None
    faults, leaves = [], []
    previous = "0" * 64
    expected_seq = 1
    enrollments = {}  # id -> {"paid", "released", "refunded", "escrow"}
    checkpoint_key = None  # the verifier key the log names (checkpoint.key)
    credentials, token_hashes = {}, set()  # credential id -> revoked?; hashes of every token issued
    origin = None
    v1_size, v1_leaves = 0, None  # a log converted from version 1: its size, and its leaves (--v1)
    policy = None  # the book of the last `policy` entry
    institution_region, enrollment_institution = {}, {}
    last_entry = (None, None)  # the kind and enrollment of the entry before

    def rule(name, institution, fallback):
        """A rule's value for an institution: the policy book's defaults, then the overrides of
        its province, prefecture and county (the options' values before any `policy` entry)."""
        region = institution_region.get(institution)
        if policy is None or region is None:
            return fallback
        value = policy["defaults"][name]
        for code in (region[:2] + "0000", region[:4] + "00", region):
            override = policy.get("regions", {}).get(code, {})
            if name in override:
                value = override[name]
        return value
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
        entry = decode_entry(raw)
        if isinstance(entry, str):
            fault(entry)
            previous = row["hash"]
            continue
        if entry["seq"] != seq or entry["prev"] != bytes.fromhex(previous) or entry["v"] != 2:
            fault("seq, prev or v do not match the chain")
        previous = row["hash"]
        payload, kind = entry["payload"], entry["kind"]
        before, last_entry = last_entry, (kind, payload.get("enrollment"))
        moment = entry_moment(entry.get("time", ""))
        if moment is None:
            fault("time is not YYYY-MM-DDTHH:MM:SSZ")
        elif last_time is not None and moment < last_time:
            fault("the entry is dated before the entry before it")
        else:
            last_time = moment
        for field in ("paidAt", "taughtAt"):
            if kind in ("payment", "lesson.recorded") and field in payload and moment is not None:
                if datetime.datetime.fromisoformat(payload[field]) > moment:
                    fault("%s is after the entry's own time" % field)
        if kind == "policy":
            try:
                policy = json.loads(payload["document"])
                policy["defaults"]["confirmationWindowWorkingDays"]
            except Exception:
                fault("policy entry: the document is not a policy book")
        elif kind == "institution.registered":
            institution_region[payload["uscc"]] = payload["region"]
        elif kind == "payment":
            enrollment_institution[payload["enrollment"]] = payload["institution"]
        if kind == "calendar":
            year = calendar_year(payload)
            if isinstance(year, str):
                fault("calendar entry: " + year)
            elif year[0] in calendar:
                fault("calendar year %d is loaded twice" % year[0])
            else:
                calendar[year[0]] = (year[1], year[2])
        elif kind == "refund-request.created":
            requested = datetime.date.fromisoformat(payload["requestedAt"][:10])
            days = rule("refundAnswerWorkingDays", enrollment_institution.get(payload["enrollment"]), answer_days)
            due = nth_working_day(calendar, days, requested)
            if due is None or due.isoformat() != payload["answerDue"]:
                fault("refund request %s is due %s, not the %dth working day after %s"
                      % (payload["request"], payload["answerDue"], days, requested))
        elif kind == "contract.issued":
            # The contract states the model and the policy's two windows; every other term is the
            # payment's and the registry's own entries.
            enrollment = payload["enrollment"]
            if before != ("payment", enrollment):
                fault("contract of %s does not immediately follow its payment" % enrollment)
            if payload["template"] != "GF-2021-2604":
                fault("contract of %s follows %s, not the model contract GF-2021-2604" % (enrollment, payload["template"]))
            for name in ("confirmationWindowWorkingDays", "refundAnswerWorkingDays"):
                expected = rule(name, enrollment_institution.get(enrollment), None)
                if expected is not None and payload[name] != expected:
                    fault("contract of %s says %s %d, the policy in force %d" % (enrollment, name, payload[name], expected))
        elif kind == "lesson.recorded" and moment is not None:
            recorded_on[payload["lesson"]] = moment.astimezone(CHINA).date()
        elif kind == "lesson.released" and payload.get("basis") == "deemed" and moment is not None:
            start = recorded_on.get(payload["lesson"])
            if start is not None:
                days = rule("confirmationWindowWorkingDays", enrollment_institution.get(payload["enrollment"]), window)
                window_ends = nth_working_day(calendar, days, start)
                if window_ends is None or window_ends > moment.astimezone(CHINA).date():
                    fault("lesson %s deemed confirmed before %d working days after its recording"
                          % (payload["lesson"], days))
        postings = payload.get("postings", [])
        if sum(posting["amountFen"] for posting in postings) != 0:
            fault("postings do not sum to zero")
        if kind == "genesis":
            origin = payload.get("origin")
            v1_size = payload.get("v1Size") or 0
            if options["--v1"]:
                problem = check_continuity(payload, options["--v1"])
                if problem:
                    fault(problem)
                v1_leaves = v1_leaf_hashes(options["--v1"])
        elif kind == "checkpoint.key":
            checkpoint_key = payload["verifierKey"]
        elif kind == "checkpoint.signed":
            # Signed on the v1 log this one was converted from: its root is of the v1 entries.
            signed_leaves = leaves if seq > v1_size else v1_leaves
            problem = check_checkpoint(payload["note"], checkpoint_key, origin, seq, signed_leaves)
            if problem:
                fault(problem)
        elif kind == "credential.issued":
            if payload["id"] != "C%d" % (len(credentials) + 1):
                fault("credential %s is not the next id" % payload["id"])
            token_hash = payload["tokenHash"]
            if len(token_hash) != 64 or any(c not in "0123456789abcdef" for c in token_hash):
                fault("credential %s's tokenHash is not 64 lowercase hex digits" % payload["id"])
            elif token_hash in token_hashes:
                fault("credential %s has the token hash of an earlier credential" % payload["id"])
            token_hashes.add(token_hash)
            credentials[payload["id"]] = False
        elif kind == "credential.revoked":
            if credentials.get(payload["id"]) is not False:
                fault("revocation of credential %s, which is not issued or already revoked" % payload["id"])
            credentials[payload["id"]] = True
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
    if options["--tiles"]:
        for message in check_tiles(options["--tiles"], leaves):
            faults.append({"seq": 0, "message": message})
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
