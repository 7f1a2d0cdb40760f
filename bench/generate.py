#!/usr/bin/env python3
"""Deterministic benchmark data for rel, written as a rel JSON export (`rel import` loads it).

    python3 bench/generate.py --scale S -o bench/out/S.json     # 1k contacts, 100k interactions
    python3 bench/generate.py --scale L -o bench/out/L.json     # 100k contacts, 1M interactions
    python3 bench/generate.py --contacts 120 --interactions 1500 --seed 7 -o small.json
    rel --db bench/out/S.db import bench/out/S.json

The same arguments always give the same bytes (uids included), so benchmark runs compare like
with like. Only the standard library is used: the benchmark needs nothing that rel's users
install. The generator lives outside `src/` so that the product holds no benchmark code, and it
goes through `rel import` like a user's data, so the import is timed on the way.
"""

import argparse
import json
import sys
import time
import unicodedata

DAY = 86_400
YEAR = 365 * DAY
# The benchmark's fixed "now": 2026-11-27T12:00:00Z (bench/run.sh sets REL_NOW to it).
NOW = 1_795_780_800
MASK = (1 << 64) - 1

FIRST = """Maria José Anna Liam Noah Emma Olivia Ava Lucas Mia Amélie Jonas Sofia Mateo Chloé
Yusuf Aisha Kenji Priya Oskar Ingrid Tomás Zoë Hugo Léa Nadia Omar Elif Sven Marta Rui Hana
Dmitri Fatima Pablo Greta Ivan Lena Arjun Chiara""".split()
LAST = ["Lopez", "Müller", "Smith", "Nguyen", "Kowalski", "Rossi", "García", "Silva", "Tanaka",
        "Johansson", "Dubois", "Novak", "Okafor", "Haddad", "Yılmaz", "Petrov", "Larsen", "Costa",
        "Schmidt", "Fernández", "Ivanova", "Kim", "Chen", "Patel", "O'Brien", "van Dijk",
        "Moreau", "Bauer", "Santos", "Andersson", "Nowak", "Ricci", "Horvat", "Popescu", "Berg",
        "Sato", "Mendes", "Wójcik", "Keller", "Rahman"]
ORGS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries",
        "Wayne Enterprises", "Vandelay", "Soylent", "Cyberdyne", "Tyrell", "Wonka"]
TAGS = ["family", "friend", "work", "client", "mentor", "neighbour", "climbing", "school"]
# Own cadences, weighted towards the common ones.
CADENCES = ["1w", "2w", "2w", "1m", "1m", "1m", "3m", "3m", "6m", "1y"]
CHANNELS = ["message", "message", "message", "email", "email", "call", "call", "meeting",
            "meeting", "visit", "event", "social", "other"]
TRAITS = ["respect", "empathy", "integrity", "trust", "honesty"]
WORDS = """talked about the renewal project coffee kids school move new job offer budget trip
Lisbon conference birthday dinner plans garden climbing gym book recommended podcast health
doctor promised to send intro contract deadline feedback laughed worried excited house wedding
moving quarter launch team hiring mentor advice called back late apologised thanked me for help
with and a long walk weekend holiday paper review grant funding startup""".split()


class Rng:
    """SplitMix64: tiny, fully determined by its seed, the same on every Python version."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.next() % len(items)]

    def chance(self, percent):
        return self.next() % 100 < percent

    def range(self, low, high):
        return low + self.next() % max(high - low, 1)

    def uid(self, at):
        """A UUIDv7 for an instant (Unix seconds), its random bits from this generator."""
        millis = max(at, 0) * 1000 + self.below(1000)
        rand = self.next()
        rand_a = rand & 0xFFF
        rand_b = (rand >> 12) | ((self.next() & 0x3) << 52)
        value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def note(self, low, high):
        """Words from the list until the text is between `low` and `high` characters long."""
        target = low + self.below(high - low + 1)
        words, length = [], 0
        while True:
            word = self.pick(WORDS)
            extra = len(word) + (1 if words else 0)
            if length + extra > high or length >= target:
                return " ".join(words)
            words.append(word)
            length += extra


def slug(name):
    """rel's handle rule: accents folded, lower-case, every other character to one '-'."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name)
                     if not unicodedata.combining(c)).lower()
    out = []
    for c in folded:
        if c.isalnum():
            out.append(c)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "contact"


def rfc3339(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))


def dump(record):
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_contacts(out, count, rng):
    """Writes the contacts; returns the uids of those that have interactions (nine in ten)."""
    taken, uids, reachable = {}, [], []
    for index in range(count):
        name = f"{rng.pick(FIRST)} {rng.pick(LAST)}"
        base = slug(name)
        suffix = taken.get(base, 0) + 1
        taken[base] = suffix
        handle = base if suffix == 1 else f"{base}-{suffix}"
        never_contacted = rng.chance(10)
        if never_contacted:
            created_at = NOW - rng.range(0, 2 * YEAR)
        else:
            created_at = NOW - 10 * YEAR - rng.range(0, YEAR)
        roll = rng.below(100)
        every = rng.pick(CADENCES) if roll < 75 else ("never" if roll < 80 else None)
        org = rng.pick(ORGS) if rng.chance(60) else None
        via = uids[rng.below(index)] if index > 0 and rng.chance(10) else None
        archived = NOW - rng.range(DAY, 2 * YEAR) if rng.chance(3) else None
        snoozed = NOW + rng.range(DAY, 30 * DAY) if rng.chance(1) else None
        uid = rng.uid(created_at)
        tags = sorted({rng.pick(TAGS) for _ in range(rng.below(3))})
        emails = [f"{handle}@example.com"] if rng.chance(70) else []
        record = {
            "id": index + 1, "uid": uid, "handle": handle, "name": name, "org": org,
            "role": None, "emails": emails, "phones": [], "tags": tags, "every": every,
            "birthday": None, "via": via, "note": None, "created_at": rfc3339(created_at),
            "archived_at": rfc3339(archived) if archived else None,
            "snoozed_until": rfc3339(snoozed) if snoozed else None,
        }
        out.write(("  " if index == 0 else ",\n  ") + dump(record))
        uids.append(uid)
        if not never_contacted:
            reachable.append(uid)
    return reachable


def write_interactions(out, count, reachable, rng):
    """Writes the interactions (oldest first, so ids follow time); returns their follow-ups."""
    if not reachable:
        return []
    times = sorted(NOW - rng.range(60, 10 * YEAR) for _ in range(count))
    followups = []
    for index, at in enumerate(times):
        traits = {}
        if rng.chance(25):
            for _ in range(rng.below(2) + 1):
                traits[TRAITS[rng.below(5)]] = 1 if rng.chance(85) else -1
        uid = rng.uid(at)
        note = rng.note(50, 500)
        logged_at = at + rng.range(0, 3600)
        channel = rng.pick(CHANNELS)
        people = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)[rng.below(10)]
        contacts = []
        for _ in range(people):
            other = reachable[rng.below(len(reachable))]
            if other not in contacts:
                contacts.append(other)
        record = {
            "id": index + 1, "uid": uid, "at": rfc3339(at), "channel": channel, "note": note,
            "contacts": contacts, "traits": {t: traits[t] for t in TRAITS if traits.get(t)},
            "created_at": rfc3339(logged_at),
        }
        out.write(("  " if index == 0 else ",\n  ") + dump(record))
        if rng.chance(4):
            due_at = at + rng.range(DAY, 30 * DAY)
            done = due_at < NOW - 14 * DAY and rng.chance(90)
            done_at = due_at + rng.range(0, 3 * DAY) if done else None
            followups.append({
                "id": len(followups) + 1, "uid": rng.uid(logged_at), "contact": contacts[0],
                "interaction": uid, "due_at": rfc3339(due_at),
                "text": f"follow up: {rng.note(10, 60)}",
                "done_at": rfc3339(done_at) if done_at else None,
                "created_at": rfc3339(logged_at),
            })
    return followups


def generate(out, contacts, interactions, seed):
    rng = Rng(seed)
    out.write('{\n"rel_export": 1,\n"settings": {"every.client":"2w"},\n"contacts": [\n')
    reachable = write_contacts(out, contacts, rng)
    out.write('\n],\n"interactions": [\n')
    followups = write_interactions(out, interactions, reachable, rng)
    out.write('\n],\n"followups": [\n')
    out.write(",\n".join("  " + dump(f) for f in followups))
    out.write("\n]\n}\n")
    return len(followups)


def main():
    parser = argparse.ArgumentParser(description="Write deterministic rel benchmark data as JSON.")
    parser.add_argument("--scale", choices=["S", "L", "s", "l"],
                        help="S: 1k contacts, 100k interactions; L: 100k, 1M")
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--interactions", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", required=True, help="the JSON file to write ('-': stdout)")
    args = parser.parse_args()
    contacts, interactions = (100_000, 1_000_000) if (args.scale or "S").upper() == "L" \
        else (1_000, 100_000)
    contacts = args.contacts if args.contacts is not None else contacts
    interactions = args.interactions if args.interactions is not None else interactions
    if contacts < 0 or interactions < 0:
        parser.error("counts must not be negative")
    started = time.monotonic()
    if args.output == "-":
        followups = generate(sys.stdout, contacts, interactions, args.seed)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as out:
            followups = generate(out, contacts, interactions, args.seed)
    print(f"wrote {contacts} contacts, {interactions} interactions, {followups} follow-ups "
          f"to {args.output} in {time.monotonic() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
