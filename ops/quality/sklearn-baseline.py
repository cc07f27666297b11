#!/usr/bin/python3
"""The TF-IDF + logistic-regression recipe, scored with scikit-learn on the project's folds.

The reference that `BaselineModel` must match: word 1-2-grams (50k) and char_wb 2-5-grams (100k),
sublinear TF, accents stripped, C = 4, liblinear, one model per label. Reads the labelled CSV and
the `folds.csv` that `trainer crossval --baseline-only` writes, prints per-fold and mean ROC-AUC
per label, writes them as JSON, and with --compare prints the difference from the Java figures.

Debian: apt-get install python3-sklearn (runs on /usr/bin/python3).
"""
import argparse
import csv
import gzip
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def recipe_scores(train_text, train_truth, test_text, c):
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), max_features=50_000,
                           sublinear_tf=True, strip_accents="unicode")
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), max_features=100_000,
                           sublinear_tf=True, strip_accents="unicode")
    x_train = sp.hstack([word.fit_transform(train_text), char.fit_transform(train_text)]).tocsr()
    x_test = sp.hstack([word.transform(test_text), char.transform(test_text)]).tocsr()
    scores = np.zeros((len(test_text), len(LABELS)))
    for j, label in enumerate(LABELS):
        model = LogisticRegression(C=c, solver="liblinear")
        model.fit(x_train, train_truth[:, j])
        scores[:, j] = model.predict_proba(x_test)[:, 1]
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="labelled CSV (.csv or .csv.gz)")
    parser.add_argument("--folds", required=True, help="folds.csv: id,fold")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation")
    parser.add_argument("--compare", help="baseline.json from trainer crossval --baseline-only")
    args = parser.parse_args()

    opener = gzip.open if args.data.endswith(".gz") else open
    with opener(args.data, "rt", encoding="utf-8", newline="") as f:
        rows = {row["id"]: row for row in csv.DictReader(f)}
    with open(args.folds, encoding="utf-8", newline="") as f:
        fold_of = {row["id"]: int(row["fold"]) for row in csv.DictReader(f)}
    missing = [i for i in fold_of if i not in rows]
    if missing:
        sys.exit(f"{len(missing)} ids of {args.folds} are not in {args.data}, e.g. {missing[0]}")
    ids = list(fold_of)
    text = [rows[i]["comment_text"] for i in ids]
    truth = np.array([[int(rows[i][label]) for label in LABELS] for i in ids])
    fold = np.array([fold_of[i] for i in ids])
    results = []
    for k in sorted(set(fold.tolist())):
        started = time.time()
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        scores = recipe_scores([text[i] for i in train], truth[train],
                               [text[i] for i in test], args.c)
        auc = {label: float(roc_auc_score(truth[test, j], scores[:, j]))
               for j, label in enumerate(LABELS)}
        results.append(auc)
        print(f"fold {k}: mean ROC-AUC {np.mean(list(auc.values())):.4f} "
              f"({time.time() - started:.0f} s)", file=sys.stderr)
    with open(args.out, "w") as out:
        json.dump({"system": f"scikit-learn {__import__('sklearn').__version__} TF-IDF + LR",
                   "command": " ".join(sys.argv), "folds": results}, out, indent=2)

    def means(folds_auc):
        row = {label: float(np.mean([f[label] for f in folds_auc])) for label in LABELS}
        row["mean"] = float(np.mean(list(row.values())))
        return row

    reference = means(results)
    print("| system | " + " | ".join(LABELS) + " | mean |")
    print("|---|" + "---:|" * (len(LABELS) + 1))
    print("| scikit-learn | " + " | ".join(f"{reference[k]:.4f}" for k in LABELS + ["mean"]) + " |")
    if args.compare:
        with open(args.compare) as f:
            java = means(json.load(f)["folds"])
        print("| BaselineModel | " + " | ".join(f"{java[k]:.4f}" for k in LABELS + ["mean"]) + " |")
        print("| difference | " + " | ".join(f"{java[k] - reference[k]:+.4f}"
                                            for k in LABELS + ["mean"]) + " |")


if __name__ == "__main__":
    main()
