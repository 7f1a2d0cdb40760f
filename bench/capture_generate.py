#!/usr/bin/env python3
"""Write a large mbox or calendar for the capture benchmark (bench/capture.sh), deterministic.

  capture_generate.py mbox --messages 100000 --addresses emails.txt -o big.mbox
  capture_generate.py ics --events 10000 --addresses emails.txt -o big.ics

Addresses (one per line, e.g. the L journal's contact emails) are who mail and meetings are
with; a third of the people are strangers, a tenth of the mail is bulk, threads run over days,
and a tenth of the events recur weekly with an exception, as real mailboxes and calendars do.
"""
import argparse
import random
from datetime import datetime, timedelta, timezone

ME = "me@example.com"
START = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)


def people(path, rng):
    known = []
    if path:
        with open(path, encoding="utf-8") as f:
            known = [line.strip() for line in f if "@" in line]
    if not known:
        known = [f"person{i}@example.com" for i in range(5000)]
    strangers = [f"stranger{i}@elsewhere.example" for i in range(len(known) // 2 + 1)]
    return known, strangers


def pick(rng, known, strangers):
    return rng.choice(strangers) if rng.random() < 0.33 else rng.choice(known)


def mbox(args, rng, out):
    known, strangers = people(args.addresses, rng)
    threads = []
    for n in range(args.messages):
        when = START + timedelta(minutes=n * 15 + rng.randrange(10))
        if threads and rng.random() < 0.5:
            root, other = rng.choice(threads[-200:])
            refs = f"References: <{root}>\nIn-Reply-To: <{root}>\n"
        else:
            root, other = f"m{n}@bench.example", pick(rng, known, strangers)
            threads.append((root, other))
            refs = ""
        sender, to = (ME, other) if rng.random() < 0.5 else (other, ME)
        bulk = "List-Id: <news.bench.example>\nPrecedence: bulk\n" if rng.random() < 0.1 else ""
        cc = f"Cc: {pick(rng, known, strangers)}\n" if rng.random() < 0.2 else ""
        date = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
        out.write(f"From {sender} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
                  f"From: {sender}\nTo: {to}\n{cc}Subject: =?UTF-8?Q?Message_{n}_=E2=80=94_hello?=\n"
                  f"Date: {date}\nMessage-ID: <m{n}@bench.example>\n{refs}{bulk}"
                  f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n")
        # A body of a few lines, one of them an escaped From, never read by rel.
        out.write("Hello,\n\n>From the last meeting: fine.\n" + "text " * rng.randrange(5, 60) + "\n\n")


def ics(args, rng, out):
    known, strangers = people(args.addresses, rng)
    out.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rel bench//EN\r\n")
    out.write("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\n"
              "TZOFFSETTO:+0200\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
              "END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
              "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
              "END:VTIMEZONE\r\n")
    for n in range(args.events):
        start = START + timedelta(hours=n * 2 + rng.randrange(2))
        stamp = start.strftime("%Y%m%dT%H%M%S")
        attendees = "".join(
            f"ATTENDEE;CN=Guest {i};PARTSTAT=ACCEPTED:mailto:{pick(rng, known, strangers)}\r\n"
            for i in range(rng.randrange(1, 6)))
        recur = ""
        if rng.random() < 0.1:
            exdate = (start + timedelta(weeks=2)).strftime("%Y%m%dT%H%M%S")
            recur = f"RRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE;TZID=Europe/Berlin:{exdate}\r\n"
        status = "STATUS:CANCELLED\r\n" if rng.random() < 0.03 else ""
        out.write(f"BEGIN:VEVENT\r\nUID:e{n}@bench.example\r\nDTSTART;TZID=Europe/Berlin:{stamp}\r\n"
                  f"DURATION:PT30M\r\nSUMMARY:Meeting {n}\r\nORGANIZER:mailto:{ME}\r\n{attendees}"
                  f"{recur}{status}END:VEVENT\r\n")
    out.write("END:VCALENDAR\r\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["mbox", "ics"])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--addresses")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.output, "w", encoding="utf-8", newline="") as out:
        (mbox if args.kind == "mbox" else ics)(args, rng, out)


if __name__ == "__main__":
    main()
