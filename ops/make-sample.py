#!/usr/bin/env python3
"""Builds data/sample/jigsaw-sample.csv.gz, the labelled sample committed to the repository.

It is what a fresh clone trains its bootstrap model on and what the test suite uses, so it is
enriched with positives: every row that carries a rare label (threat, identity_hate,
severe_toxic) up to a cap, then further toxic rows, then clean rows, all drawn with a fixed seed.
Rerun: python3 ops/make-sample.py ../shared/data/jigsaw/train.csv.gz
"""
import csv
import gzip
import random
import sys

SIZE = 2000
TOXIC_SHARE = 0.35
RARE = ["threat", "identity_hate", "severe_toxic"]
RARE_CAP = 60


def main(src, dst="data/sample/jigsaw-sample.csv.gz"):
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    col = {name: i for i, name in enumerate(header)}
    rng = random.Random(20261122)
    rng.shuffle(rows)
    chosen, seen = [], set()

    def take(row):
        if row[0] not in seen:
            seen.add(row[0])
            chosen.append(row)

    for label in RARE:
        for row in [r for r in rows if r[col[label]] == "1"][:RARE_CAP]:
            take(row)
    toxic_target = int(SIZE * TOXIC_SHARE)
    for row in rows:
        if len(chosen) >= toxic_target:
            break
        if row[col["toxic"]] == "1":
            take(row)
    for row in rows:
        if len(chosen) >= SIZE:
            break
        if all(row[col[l]] == "0" for l in header[2:]):
            take(row)
    rng.shuffle(chosen)
    with gzip.GzipFile(dst, "wb", mtime=0) as raw:
        with open_text(raw) as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(chosen)
    print(f"wrote {len(chosen)} rows to {dst}")


def open_text(raw):
    import io
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


if __name__ == "__main__":
    main(*sys.argv[1:])
