#!/usr/bin/env python3
"""Generate a realistic, seeded data set for Jianguan: a city's registry and its bank files.

A city (a prefecture of GB/T 2260, default 合肥市 340100) with N institutions spread over its
counties, each with a venue, a teacher, a course and one class per term; M students, each with a
parent; K payments over consecutive terms in time order; lessons for many enrollments (most
confirmed, some pending); refunds of part or all of what remains. Every row obeys the rules of
DESIGN.md, so the whole set imports without a refusal; the same seed gives the same files.

Writes into OUT: institutions.csv venues.csv teachers.csv courses.csv classes.csv parents.csv
students.csv payments.csv lessons.csv refunds.csv, and setup.sh, which imports them in order.
When the terms run past the last year of Data/calendar.csv, it also writes calendar.csv: those
years with NO holidays (a synthetic calendar for load tests, not the State Council's
arrangement), which setup.sh loads with `jianguan calendar import` after `init`.

The class shape: by default one class per institution and term, with room for 1,000 students
(the payments spread over them, a few hundred each). With --class-size N, classes of N places
are filled to about 4/5 of them: as many classes a term as that takes, dealt out to the
institutions in turn (each with as many venues and teachers as it has classes a term, since one
teacher or venue is in one class at a time). --delivery online makes every course online: 30-minute
lessons on 30-minute slots ending by 21:00, 1 class hour a lesson, subject prices within the
online guided price of the class-size band (the online rules of ClassRules.swift).
`--class-size 1000 --delivery online` is the shape of the 1,000-student online classes that
Tools/bench.sh compares with `--class-size 30`.

Usage: Tools/gen_dataset.py --out DIR [--seed 1] [--city 340100] [--institutions 200]
       [--students 100000] [--payments 1000000] [--lesson-share 0.5] [--refund-share 0.1]
       [--class-size N] [--delivery offline|online]
"""
import argparse
import csv
import math
import datetime
import os
import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"
CATEGORIES = [("体育", "篮球"), ("文化艺术", "书法"), ("科技", "编程"), ("文化艺术", "美术"), ("体育", "游泳"), ("其他", "研学")]
HERE = os.path.dirname(os.path.abspath(__file__))


def uscc(region, serial):
    first = "52%sMJ%07d" % (region, serial)
    total = sum(ALPHABET.index(c) * w for c, w in zip(first, USCC_WEIGHTS))
    return first + ALPHABET[(31 - total % 31) % 31]


def resident_id(region, birth, serial):
    first = "%s%s%03d" % (region, birth.strftime("%Y%m%d"), serial)
    total = sum(int(c) * w for c, w in zip(first, ID_WEIGHTS))
    return first + "10X98765432"[total % 11]


def name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def counties(city):
    with open(os.path.join(HERE, "..", "Data", "regions.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    found = [r["code"] for r in rows if r["parent_code"] == city and r["level"] == "county"]
    if not found:
        raise SystemExit("no counties under %s in Data/regions.csv" % city)
    return found


def holidays():
    """The holidays of Data/calendar.csv and the last year it covers."""
    days = set()
    last_year = 0
    with open(os.path.join(HERE, "..", "Data", "calendar.csv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("# covered-years:"):
                last_year = int(line.split("-")[-1])
            if line.startswith("#") or line.startswith("date,"):
                continue
            date, kind, _ = line.rstrip("\n").split(",", 2)
            if kind == "holiday":
                days.add(datetime.date.fromisoformat(date))
    return days, last_year


def in_vacation(day):
    """The default vacations of Data/policy.json: winter 01-20 to 02-20, summer 07-10 to 08-31."""
    md = (day.month, day.day)
    return (1, 20) <= md <= (2, 20) or (7, 10) <= md <= (8, 31)


def days(first, last):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


def expected_grade(birth, today):
    """Jianguan's school-age rule: grade = age on 31 August of the school year (from 1 Sept) − 5."""
    school_year = today.year if today.month >= 9 else today.year - 1
    cutoff = datetime.date(school_year, 8, 31)
    age = cutoff.year - birth.year - ((cutoff.month, cutoff.day) < (birth.month, birth.day))
    return age - 5


def size_band(capacity):
    """The class-size band of a capacity (ClassSize.swift): under10, 10to35, over35."""
    return "under10" if capacity < 10 else "10to35" if capacity <= 35 else "over35"


# Base yuan per class hour of a subject class in 340100 by (band, delivery) (Data/policy.json):
# within the guided price, which allows 10 % more.
SUBJECT_PRICE = {("under10", "offline"): 80, ("10to35", "offline"): 50, ("over35", "offline"): 35,
                 ("under10", "online"): 40, ("10to35", "online"): 25, ("over35", "online"): 15}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--city", default="340100")
    parser.add_argument("--institutions", type=int, default=200)
    parser.add_argument("--students", type=int, default=100000)
    parser.add_argument("--payments", type=int, default=1000000)
    parser.add_argument("--lesson-share", type=float, default=0.5)
    parser.add_argument("--refund-share", type=float, default=0.1)
    parser.add_argument("--class-size", type=int, default=None,
                        help="places of every class, filled to about 4/5 (default: 1000 places, one class per "
                             "institution and term)")
    parser.add_argument("--delivery", choices=["offline", "online"], default="offline")
    args = parser.parse_args()
    if args.class_size is not None and not 1 <= args.class_size <= 1000:
        raise SystemExit("--class-size must be 1 to 1000, not %d" % args.class_size)
    online = args.delivery == "online"
    capacity = args.class_size or 1000
    band = size_band(capacity)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    out = lambda name: open(os.path.join(args.out, name), "w", encoding="utf-8", newline="")
    rest, calendar_last_year = holidays()
    areas = counties(args.city)

    # Terms of 84 days (12 weeks), back to back, ending before "now" (printed for JIANGUAN_NOW).
    terms = max(4, (args.payments // max(1, args.students)) * 2)
    first_term = datetime.date(2024, 3, 4)
    term_starts = [first_term + datetime.timedelta(days=91 * t) for t in range(terms)]
    now = term_starts[-1] + datetime.timedelta(days=120)
    per_term = args.payments // terms + 1
    # Classes a term: one per institution, or as many as fill N places to about 4/5.
    term_class_count = (args.institutions if args.class_size is None
                        else max(1, math.ceil(per_term * 1.25 / capacity)))
    rooms = math.ceil(term_class_count / args.institutions)  # venues and teachers per institution

    institutions = []
    with out("institutions.csv") as f, out("venues.csv") as fv, out("teachers.csv") as ft, out("courses.csv") as fc:
        w, wv, wt, wc = csv.writer(f), csv.writer(fv), csv.writer(ft), csv.writer(fc)
        w.writerow(["uscc", "name", "region", "kind", "category", "nonprofit", "license", "license_expires",
                    "escrow_bank", "escrow_account", "mode"])
        wv.writerow(["institution", "address", "area_m2"])
        wt.writerow(["institution", "name", "certificate"])
        wc.writerow(["institution", "name", "subject", "category", "delivery", "lesson_minutes", "hours",
                     "price_per_hour", "class_size"])
        for i in range(args.institutions):
            region = areas[i % len(areas)]
            code = uscc(region, 100000 + i)
            subject = i % 5 == 0
            category, course = CATEGORIES[i % len(CATEGORIES)]
            w.writerow([code, "%s培训学校%d" % ("学科" if subject else course, i + 1), region,
                        "subject" if subject else "non-subject", "" if subject else category,
                        "yes" if subject else "no", "教民%s7%06d号" % (region, i + 1), "2030-12-31",
                        rng.choice(["中国银行", "中国建设银行", "中国工商银行", "中国农业银行"]),
                        "6217%012d" % (i + 1), ""])
            for room in range(rooms):
                number = i * rooms + room
                wv.writerow([code, "文化路%d号" % (number + 1), 100 + rng.randrange(900)])
                wt.writerow([code, name(rng), "2020%s%04d" % (region, number)])
            # Classes of up to 1000 students are in the band "more than 35", whose guided price in
            # 340100 (Data/policy.json) caps a subject hour at 38.50 yuan offline.
            price = SUBJECT_PRICE[(band, args.delivery)] if subject else rng.choice([60, 80, 100, 120, 150])
            minutes = 30 if online else 45 if subject else 60
            wc.writerow([code, "初二数学" if subject else "少儿" + course, "数学" if subject else "",
                         "" if subject else category, args.delivery, minutes, 60, price, band])
            institutions.append({"subject": subject, "price": price * 100, "index": i + 1})

    # Each term's classes dealt out to the institutions in turn; ids B1, B2, … in file order.
    classes = []
    with out("classes.csv") as f:
        w = csv.writer(f)
        w.writerow(["course", "venue", "teacher", "capacity", "starts", "ends", "schedule"])
        for t, start in enumerate(term_starts):
            for c in range(term_class_count):
                inst = institutions[c % len(institutions)]
                room = (inst["index"] - 1) * rooms + c // len(institutions) + 1
                ends = start + datetime.timedelta(days=60)
                # A subject class ends before the winter or summer vacation (Data/policy.json).
                while inst["subject"] and any(in_vacation(d) and d.weekday() in (1, 3)
                                              for d in days(start, ends)):
                    ends -= datetime.timedelta(days=1)
                # Double slots offline: each lesson is 2 class hours. Online, one 30-minute slot a
                # lesson of 1 class hour.
                if online:
                    schedule = "Tue 18:00-18:30,Thu 18:00-18:30" if inst["subject"] else "Sat 09:00-09:30,Sun 15:00-15:30"
                else:
                    schedule = "Tue 18:00-19:30,Thu 18:00-19:30" if inst["subject"] else "Sat 09:00-11:00,Sun 15:00-17:00"
                w.writerow(["C%d" % inst["index"], "V%d" % room, "T%d" % room, capacity,
                            start.isoformat(), ends.isoformat(), schedule])
                classes.append({"id": "B%d" % (len(classes) + 1), "term": t, "start": start, "ends": ends,
                                "inst": inst, "students": set()})

    with out("parents.csv") as fp, out("students.csv") as fs:
        wp, ws = csv.writer(fp), csv.writer(fs)
        wp.writerow(["name", "id_number", "phone"])
        ws.writerow(["parent", "name", "id_number", "grade"])
        for s in range(args.students):
            region = areas[s % len(areas)]
            parent_birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=s // 900)
            # A child of 7 to 17 on "now", in the grade its birth date gives (school year from 1 Sept).
            child_birth = datetime.date(now.year - 7 - s % 11, 1, 1) + datetime.timedelta(days=(s // 900) % 365)
            wp.writerow([name(rng), resident_id(region, parent_birth, s % 900), "139%08d" % s])
            ws.writerow(["P%d" % (s + 1), name(rng), resident_id(region, child_birth, s % 900),
                         max(0, min(12, expected_grade(child_birth, now)))])

    # Payments: spread over the terms, each in the month before its class starts, in time order.
    payments = []
    for t in range(terms):
        term_classes = classes[t * term_class_count:(t + 1) * term_class_count]
        wanted = min(per_term, args.payments - len(payments))
        made, attempts = 0, 0
        while made < wanted and attempts < 20 * wanted:
            attempts += 1
            klass = rng.choice(term_classes)
            student = rng.randrange(args.students) + 1
            # One payment per student and class: one charge is at most 60 hours however it is split.
            if student in klass["students"] or len(klass["students"]) >= capacity:
                continue
            made += 1
            klass["students"].add(student)
            hours = rng.randrange(10, 61)
            price = klass["inst"]["price"]
            amount = min(hours * price, 500000) - rng.randrange(0, 5000)
            paid = datetime.datetime.combine(klass["start"] - datetime.timedelta(days=rng.randrange(0, 25)),
                                             datetime.time(rng.randrange(8, 20), rng.randrange(60)))
            payments.append((paid, klass, student, hours, amount))
    payments.sort(key=lambda p: p[0])
    enrollments = []
    with out("payments.csv") as f:
        w = csv.writer(f)
        w.writerow(["bank_ref", "student", "class", "hours", "amount_yuan", "paid_at"])
        for n, (paid, klass, student, hours, amount) in enumerate(payments):
            w.writerow(["BK%s%08d" % (paid.strftime("%Y%m%d"), n), "S%d" % student, klass["id"], hours,
                        "%d.%02d" % divmod(amount, 100), paid.strftime("%Y-%m-%dT%H:%M")])
            enrollments.append({"id": "E%d" % (n + 1), "klass": klass, "hours": hours, "paid": paid, "pending": 0,
                                "used": 0})

    # Lessons on the class's weekly days, within its dates, after the payment, not on rest days.
    lessons = []
    lesson_hours = 1 if online else 2
    for e in enrollments:
        if rng.random() >= args.lesson_share:
            continue
        klass = e["klass"]
        weekdays = (1, 3) if klass["inst"]["subject"] else (5, 6)
        day = max(klass["start"], e["paid"].date() + datetime.timedelta(days=1))
        for _ in range(rng.randrange(1, 6)):
            while day.weekday() not in weekdays or (klass["inst"]["subject"] and day in rest):
                day += datetime.timedelta(days=1)
            if day > klass["ends"] or e["used"] + lesson_hours > e["hours"]:
                break
            confirmed = rng.random() < 0.8
            time = "18:00" if klass["inst"]["subject"] else ("09:00" if day.weekday() == 5 else "15:00")
            lessons.append((day, time, e, lesson_hours, confirmed))
            e["used"] += lesson_hours
            e["pending"] += 0 if confirmed else lesson_hours
            day += datetime.timedelta(days=1)
    lessons.sort(key=lambda l: (l[0], l[1]))
    with out("lessons.csv") as f:
        w = csv.writer(f)
        w.writerow(["enrollment", "hours", "taught_at", "confirmed"])
        for day, time, e, hours, confirmed in lessons:
            w.writerow([e["id"], hours, "%sT%s" % (day.isoformat(), time), "yes" if confirmed else "no"])

    refunds = 0
    with out("refunds.csv") as f:
        w = csv.writer(f)
        w.writerow(["bank_ref", "enrollment", "hours", "reason"])
        for n, e in enumerate(enrollments):
            remaining = e["hours"] - e["used"]
            if remaining <= 0 or rng.random() >= args.refund_share:
                continue
            hours = "all" if rng.random() < 0.5 else str(rng.randrange(1, remaining + 1))
            w.writerow(["RF%09d" % n, e["id"], hours, rng.choice(["搬家", "孩子转学", "时间冲突", "对课程不满意"])])
            refunds += 1

    synthetic = now.year > calendar_last_year
    if synthetic:
        with out("calendar.csv") as f:
            f.write("# SYNTHETIC calendar for load tests: no holidays, no adjusted working days. Not the State\n"
                    "# Council's arrangement; a real bureau imports the published one.\n"
                    "# covered-years: %d-%d\ndate,kind,name\n" % (calendar_last_year + 1, now.year))
    with out("setup.sh") as f:
        f.write("#!/usr/bin/env bash\n# Imports this data set into $JIANGUAN_DB (made by Tools/gen_dataset.py, seed %d).\n"
                "set -euo pipefail\ncd \"$(dirname \"$0\")\"\nJ=${JIANGUAN:-jianguan}\nexport JIANGUAN_NOW=%sT12:00\n"
                "$J init --authority 教育局 --region %s\n" % (args.seed, now.isoformat(), args.city))
        if synthetic:
            f.write("$J calendar import calendar.csv\n")
        for kind in ["institutions", "venues", "teachers", "courses", "classes", "parents", "students"]:
            f.write("$J import registry %s %s.csv\n" % (kind, kind))
        for kind in ["payments", "lessons", "refunds"]:
            f.write("$J import %s %s.csv\n" % (kind, kind))
    os.chmod(os.path.join(args.out, "setup.sh"), 0o755)
    print("now=%sT12:00 institutions=%d classes=%d students=%d payments=%d lessons=%d refunds=%d"
          % (now.isoformat(), len(institutions), len(classes), args.students, len(enrollments), len(lessons), refunds))


if __name__ == "__main__":
    main()
