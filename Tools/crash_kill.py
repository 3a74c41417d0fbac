#!/usr/bin/env python3
"""Crash safety: SIGKILL `jianguan import payments` at random moments, then check the ledger.

A seeded data set (Tools/gen_dataset.py) is imported up to its payments; the payments are split
into batch files (one file = one import = one transaction). For each kill, the next batch is
imported and the process is killed with SIGKILL after a random delay (seeded) within the time a
whole import of one batch takes (measured first on a copy). After each kill:
  1. `jianguan audit` exits 0;
  2. every batch file's bank references are in the ledger either all or not at all;
  3. the same import is run again; it exits 0, and afterwards the batch is complete and no bank
     reference is in the ledger twice (the rerun adds only what is missing);
  4. `jianguan audit` exits 0 again.
Prints a summary with the figures; exits 1 at the first broken guarantee.

Usage: Tools/crash_kill.py [--kills 50] [--seed 1] [--batch 4000] [--binary .build/release/jianguan]
                           [--work /tmp/jianguan-crash] [--max-seconds 1200]
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=4000)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "jianguan"))
    parser.add_argument("--work", default="/tmp/jianguan-crash")
    parser.add_argument("--max-seconds", type=float, default=1200)
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    started = time.monotonic()
    rng = random.Random(args.seed)
    if not os.access(args.binary, os.X_OK):
        sys.exit("no jianguan binary at %s: run `swift build -c release` first" % args.binary)
    shutil.rmtree(args.work, ignore_errors=True)
    data = os.path.join(args.work, "data")
    os.makedirs(data)
    payments = args.kills * args.batch
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_dataset.py"), "--out", data, "--seed", str(args.seed),
         "--institutions", "40", "--students", str(max(1000, payments // 8)), "--payments", str(payments),
         "--lesson-share", "0", "--refund-share", "0"], check=True, capture_output=True, text=True).stdout
    now = out.split()[0].split("=")[1]
    db = os.path.join(args.work, "bureau.sqlite")
    env = dict(os.environ, JIANGUAN_DB=db, JIANGUAN_NOW=now, JIANGUAN_DATA=os.path.join(ROOT, "Data"))
    env.pop("JIANGUAN_KEY", None)

    def run(*argv, check=True):
        result = subprocess.run([args.binary, *argv], env=env, capture_output=True, text=True, cwd=data)
        if check and result.returncode != 0:
            fail("`jianguan %s` exited %d: %s" % (" ".join(argv), result.returncode, result.stderr.strip()))
        return result

    run("init", "--authority", "教育局", "--region", "340100")
    if os.path.exists(os.path.join(data, "calendar.csv")):  # terms past Data/calendar.csv
        run("calendar", "import", "calendar.csv")
    for kind in ["institutions", "venues", "teachers", "courses", "classes", "parents", "students"]:
        run("import", "registry", kind, "%s.csv" % kind)

    # Batch files of the payments, in file order.
    with open(os.path.join(data, "payments.csv"), encoding="utf-8") as f:
        header, rows = f.readline(), f.readlines()
    batches = []
    for k in range(args.kills):
        chunk = rows[k * args.batch:(k + 1) * args.batch]
        if len(chunk) < args.batch:
            fail("the data set has only %d payments; need %d" % (len(rows), payments))
        path = os.path.join(data, "batch-%03d.csv" % k)
        with open(path, "w", encoding="utf-8") as f:
            f.write(header)
            f.writelines(chunk)
        batches.append((path, {line.split(",", 1)[0] for line in chunk}))

    # How long one whole batch takes, on a copy: kills land anywhere within it.
    shutil.copy(db, db + ".calibrate")
    shutil.copy(db + ".key", db + ".calibrate.key")
    t0 = time.monotonic()
    subprocess.run([args.binary, "--db", db + ".calibrate", "import", "payments", batches[0][0]], env=env,
                   check=True, capture_output=True)
    batch_seconds = time.monotonic() - t0
    for suffix in ["", ".key", "-wal", "-shm"]:
        if os.path.exists(db + ".calibrate" + suffix):
            os.remove(db + ".calibrate" + suffix)

    figures = {"kills": 0, "none": 0, "all": 0, "reruns": 0, "rerun_added": 0, "audits": 0}
    delays = []
    for k, (path, refs) in enumerate(batches):
        if time.monotonic() - started > args.max_seconds:
            print("time limit of %.0f s reached after %d kills" % (args.max_seconds, k))
            break
        delay = rng.uniform(0.0, batch_seconds * 1.25)
        delays.append(delay)
        process = subprocess.Popen([args.binary, "import", "payments", path], env=env, cwd=data,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        figures["kills"] += 1
        audit(run, figures, "after kill %d" % (k + 1))
        counts = batch_counts(db, batches[:k + 1])
        for j, found in enumerate(counts):
            size = len(batches[j][1])
            if j < k and found != size:
                fail("kill %d: batch %d, committed before, now has %d of %d references" % (k + 1, j, found, size))
            if j == k and found not in (0, size):
                fail("kill %d: batch %d is partly in the ledger: %d of %d references" % (k + 1, j, found, size))
        before = counts[k]
        figures["none" if before == 0 else "all"] += 1
        result = run("--format", "json", "import", "payments", path)
        figures["reruns"] += 1
        figures["rerun_added"] += len(refs) - before
        summary = json.loads(result.stdout)
        if batch_counts(db, batches[:k + 1])[k] != len(refs):
            fail("kill %d: after the rerun batch %d is still incomplete" % (k + 1, k))
        figures.setdefault("rerun_summaries", []).append(summary)
        audit(run, figures, "after rerun %d" % (k + 1))

    entries = sqlite3.connect(db).execute("SELECT COUNT(*), MAX(seq) FROM ledger").fetchone()
    duplicates = duplicate_refs(db)
    if duplicates:
        fail("%d bank references are in the ledger twice" % duplicates)
    payments_in_ledger = len(ledger_refs(db))
    if payments_in_ledger != figures["kills"] * args.batch:
        fail("the ledger holds %d payments, expected %d" % (payments_in_ledger, figures["kills"] * args.batch))
    elapsed = time.monotonic() - started
    print("crash_kill: seed %d, %d kills (SIGKILL) during imports of %d-payment batches (one batch ~%.2f s)"
          % (args.seed, figures["kills"], args.batch, batch_seconds))
    print("  kill delays %.3f–%.3f s; batch found empty after the kill: %d times, complete: %d times"
          % (min(delays), max(delays), figures["none"], figures["all"]))
    print("  never part of a batch; %d audits passed (after each kill and each rerun)" % figures["audits"])
    print("  %d reruns completed their batch, adding %d payments; ledger holds %d payments, 0 duplicate bank "
          "references" % (figures["reruns"], figures["rerun_added"], payments_in_ledger))
    print("  ledger: %d entries, seq 1…%d without gaps; %.0f s in all" % (entries[0], entries[1], elapsed))


def audit(run, figures, when):
    result = run("audit", check=False)
    if result.returncode != 0:
        fail("audit %s exited %d: %s" % (when, result.returncode, (result.stdout + result.stderr)[-2000:]))
    figures["audits"] += 1


def batch_counts(db, batches, all_batches=True):
    """How many of each batch's bank references the ledger holds (through the projection
    `bank_refs`, which the audit compares with the ledger, and the payment entries it names), and
    a check that the ledger's payment entries number exactly the references found."""
    with sqlite3.connect(db, timeout=30) as connection:
        counts = []
        for _, refs in batches:
            connection.execute("CREATE TEMP TABLE IF NOT EXISTS wanted(ref TEXT PRIMARY KEY)")
            connection.execute("DELETE FROM wanted")
            connection.executemany("INSERT INTO wanted VALUES (?)", ((r,) for r in refs))
            counts.append(connection.execute(
                "SELECT COUNT(*) FROM bank_refs JOIN wanted USING (ref) JOIN ledger USING (seq)"
                " WHERE ledger.kind = 'payment'").fetchone()[0])
        in_ledger = connection.execute("SELECT COUNT(*) FROM ledger WHERE kind = 'payment'").fetchone()[0]
        if all_batches and in_ledger != sum(counts):
            fail("the ledger holds %d payment entries but the batches account for %d" % (in_ledger, sum(counts)))
        return counts


def ledger_refs(db):
    with sqlite3.connect(db, timeout=30) as connection:
        return {row[0] for row in connection.execute(
            "SELECT json_extract(entry, '$.payload.bankRef') FROM ledger WHERE kind = 'payment'")}


def duplicate_refs(db):
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(
            "SELECT COUNT(*) FROM (SELECT json_extract(entry, '$.payload.bankRef') AS ref FROM ledger "
            "WHERE kind = 'payment' GROUP BY ref HAVING COUNT(*) > 1)").fetchone()[0]


def fail(message):
    print("crash_kill: FAILED: " + message)
    sys.exit(1)


if __name__ == "__main__":
    main()
