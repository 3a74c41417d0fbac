#!/usr/bin/env python3
"""Concurrent writers: W processes at a time write payments, lessons and refunds on one database.

A seeded registry (Tools/gen_dataset.py: 5 institutions, their classes, parents and students) is
imported; then W writers run at the same time, each a loop of whole `jianguan` processes over its
own students, in cycles of 4 requests:
    pay (10 hours, its own bank reference) → lesson record (2 hours) → lesson confirm → refund 2 hours.
Each process that meets the database locked by another waits (busy timeout 30 s) instead of
failing; a request that still failed (exit 2) would be retried with the same bank reference and
counted. At the end:
  - every request exited 0 (none lost), and the ledger holds exactly one entry per request of
    each kind (none applied twice), plus one contract per payment;
  - seq runs 1…n without gaps, bank references are unique, `jianguan audit` exits 0;
  - every enrollment's escrow, released and refunded amounts are exactly those computed here
    from the release rule (floor(A/H) per hour).
Prints a summary with the figures; exits 1 at the first broken guarantee.

Usage: Tools/concurrent_writers.py [--writers 4] [--requests 2000] [--seed 1]
                                   [--binary .build/release/jianguan] [--work /tmp/jianguan-writers]
"""
import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HOURS = 10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000, help="requests per writer (a multiple of 4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "jianguan"))
    parser.add_argument("--work", default="/tmp/jianguan-writers")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if args.writers < 1 or args.writers > 4:
        sys.exit("--writers must be 1 to 4 (one non-subject institution each)")
    cycles = args.requests // 4
    started = time.monotonic()
    shutil.rmtree(args.work, ignore_errors=True)
    data = os.path.join(args.work, "data")
    os.makedirs(data)
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_dataset.py"), "--out", data, "--seed", str(args.seed),
         "--institutions", "5", "--students", str(args.writers * cycles), "--payments", "0"],
        check=True, capture_output=True, text=True).stdout
    now = out.split()[0].split("=")[1]
    db = os.path.join(args.work, "bureau.sqlite")
    env = dict(os.environ, JIANGUAN_DB=db, JIANGUAN_NOW=now, JIANGUAN_DATA=os.path.join(ROOT, "Data"))
    env.pop("JIANGUAN_KEY", None)
    for argv in [["init", "--authority", "教育局", "--region", "340100"]] + [
            ["import", "registry", kind, kind + ".csv"]
            for kind in ["institutions", "venues", "teachers", "courses", "classes", "parents", "students"]]:
        subprocess.run([args.binary, *argv], env=env, cwd=data, check=True, capture_output=True)

    # The last term's classes of the non-subject institutions 2…5 (institution 1 teaches a subject).
    with open(os.path.join(data, "classes.csv"), encoding="utf-8") as f:
        classes = list(csv.DictReader(f))
    with open(os.path.join(data, "courses.csv"), encoding="utf-8") as f:
        prices = [int(row["price_per_hour"]) * 100 for row in csv.DictReader(f)]
    last_term = len(classes) - 5
    plans = []
    for w in range(args.writers):
        klass = classes[last_term + 1 + w]
        starts = klass["starts"]
        paid_at = "%sT10:00" % shift_days(starts, -5)
        saturday = first_saturday(starts)
        plans.append({"class": "B%d" % (last_term + 2 + w), "price": prices[1 + w], "paid_at": paid_at,
                      "taught_at": "%sT09:00" % saturday})

    results = [None] * args.writers
    threads = [threading.Thread(target=writer, args=(w, plans[w], cycles, args.binary, env, data, results))
               for w in range(args.writers)]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writing = time.monotonic() - t0

    failures = [f for r in results for f in r["failures"]]
    if failures:
        fail("%d requests failed, first: %s" % (len(failures), failures[0]))
    retries = sum(r["retries"] for r in results)
    latencies = sorted(l for r in results for l in r["latencies"])
    connection = sqlite3.connect(db, timeout=30)
    kinds = dict(connection.execute("SELECT kind, COUNT(*) FROM ledger GROUP BY kind").fetchall())
    expected = args.writers * cycles
    for kind in ["payment", "contract.issued", "lesson.recorded", "lesson.released", "refund"]:
        if kinds.get(kind, 0) != expected:
            fail("the ledger has %d %s entries, expected %d" % (kinds.get(kind, 0), kind, expected))
    count, low, high = connection.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM ledger").fetchone()
    if (low, high) != (1, count):
        fail("seq is not 1…%d without gaps: %d entries from %s to %s" % (count, count, low, high))
    duplicate = connection.execute(
        "SELECT COUNT(*) FROM (SELECT json_extract(entry, '$.payload.bankRef') r FROM ledger "
        "WHERE kind IN ('payment', 'refund') GROUP BY r HAVING COUNT(*) > 1)").fetchone()[0]
    if duplicate:
        fail("%d bank references are in the ledger twice" % duplicate)
    exact = 0
    for r in results:
        for enrollment, amount in r["enrollments"].items():
            row = connection.execute(
                "SELECT amount_fen, released_fen, refunded_fen, escrow_fen, hours_consumed, hours_refunded "
                "FROM enrollments WHERE id = ?", (enrollment,)).fetchone()
            per_hour = amount // HOURS
            want = (amount, 2 * per_hour, 2 * per_hour, amount - 4 * per_hour, 2, 2)
            if row != want:
                fail("enrollment %s holds %s, expected %s" % (enrollment, row, want))
            exact += 1
    audit = subprocess.run([args.binary, "audit"], env=env, cwd=data, capture_output=True, text=True)
    if audit.returncode != 0:
        fail("audit exited %d: %s" % (audit.returncode, audit.stdout[-2000:]))
    requests = sum(r["requests"] for r in results)
    print("concurrent_writers: seed %d, %d writers at once × %d requests (pay, lesson record, lesson confirm, "
          "refund) = %d requests in %.1f s (%.0f/s)"
          % (args.seed, args.writers, 4 * cycles, requests, writing, requests / writing))
    print("  every request exited 0: none lost; %d retries needed after a busy failure (exit 2)" % retries)
    print("  latency per request (a whole process): median %.0f ms, p99 %.0f ms, max %.0f ms (waits on the lock)"
          % (1000 * latencies[len(latencies) // 2], 1000 * latencies[int(len(latencies) * 0.99)],
             1000 * latencies[-1]))
    print("  ledger: %d entries, seq 1…%d without gaps; one entry per request: %s"
          % (count, high, ", ".join("%s %d" % (k, kinds.get(k, 0)) for k in
                                    ["payment", "contract.issued", "lesson.recorded", "lesson.released", "refund"])))
    print("  %d enrollments exact to the fen (escrow = A − 4·floor(A/10)); 0 duplicate bank references; audit ok"
          % exact)
    print("  %.0f s in all" % (time.monotonic() - started))


def writer(w, plan, cycles, binary, env, cwd, results):
    state = {"failures": [], "retries": 0, "latencies": [], "enrollments": {}, "requests": 0}
    results[w] = state

    def request(*argv):
        for attempt in range(3):
            t0 = time.monotonic()
            result = subprocess.run([binary, "--format", "json", *argv], env=env, cwd=cwd, capture_output=True,
                                    text=True)
            state["latencies"].append(time.monotonic() - t0)
            if result.returncode == 0:
                state["requests"] += 1
                return json.loads(result.stdout)
            if result.returncode != 2:
                break
            state["retries"] += 1
        state["failures"].append("writer %d: %s → %d %s" % (w, " ".join(argv), result.returncode,
                                                             result.stderr.strip()))
        return None

    for i in range(cycles):
        student = "S%d" % (w * cycles + i + 1)
        amount = HOURS * plan["price"] - (i * 7919) % 997
        paid = request("pay", "--student", student, "--class", plan["class"], "--hours", str(HOURS),
                       "--amount", "%d.%02d" % divmod(amount, 100), "--bank-ref", "W%d-PAY-%d" % (w + 1, i + 1),
                       "--at", plan["paid_at"])
        if paid is None:
            continue
        enrollment = paid["id"]
        state["enrollments"][enrollment] = amount
        lesson = request("lesson", "record", "--enrollment", enrollment, "--hours", "2", "--taught-at",
                         plan["taught_at"])
        if lesson is not None:
            request("lesson", "confirm", lesson["id"])
        request("refund", "--enrollment", enrollment, "--hours", "2", "--reason", "时间冲突",
                "--bank-ref", "W%d-REF-%d" % (w + 1, i + 1))


def shift_days(day, days):
    import datetime
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=days)).isoformat()


def first_saturday(day):
    import datetime
    date = datetime.date.fromisoformat(day)
    while date.weekday() != 5:
        date += datetime.timedelta(days=1)
    return date.isoformat()


def fail(message):
    print("concurrent_writers: FAILED: " + message)
    sys.exit(1)


if __name__ == "__main__":
    main()
