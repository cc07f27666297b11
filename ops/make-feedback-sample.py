#!/usr/bin/env python3
"""Builds data/sample/olid-feedback.csv: moderators' verdicts from another domain for the demo.

1,000 tweets from the OLID training file, drawn with a fixed seed, as partial verdicts in the
format ops/feedback reads: only the columns toxic (subtask_a OFF) and insult (subtask_b TIN, a
targeted insult or threat) are present, so the other labels stay unjudged.
Rerun: python3 ops/make-feedback-sample.py ../shared/data/olid/olid-training-v1.0.tsv
"""
import csv
import random
import sys

SIZE = 1000


def main(src, dst="data/sample/olid-feedback.csv"):
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rng = random.Random(20261204)
    rng.shuffle(rows)
    with open(dst, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "comment_text", "toxic", "insult"])
        for row in rows[:SIZE]:
            toxic = 1 if row["subtask_a"] == "OFF" else 0
            insult = 1 if row["subtask_b"] == "TIN" else 0
            out.writerow(["olid-" + row["id"], row["tweet"], toxic, insult])


if __name__ == "__main__":
    main(*sys.argv[1:])
