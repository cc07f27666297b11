#!/usr/bin/env python3
"""Builds data/sample/olid-sample.tsv, the OLID rows committed for the feedback-experiment test.

300 rows of OLID v1.0's training TSV chosen at random with a fixed seed, kept as they are (the
original lines, in file order, under the original header), so the test reads the real format.
Rerun: python3 ops/make-olid-sample.py ../shared/data/olid/olid-training-v1.0.tsv
"""
import random
import sys

SIZE = 300
SEED = 20261204


def main(src, dst="data/sample/olid-sample.tsv"):
    with open(src, encoding="utf-8", newline="") as f:
        header, *lines = f.read().splitlines(keepends=True)
    # No OLID field holds a line break, so a line is a row.
    chosen = sorted(random.Random(SEED).sample(range(len(lines)), SIZE))
    with open(dst, "w", encoding="utf-8", newline="") as f:
        f.write(header)
        f.writelines(lines[i] for i in chosen)


if __name__ == "__main__":
    main(*sys.argv[1:])
