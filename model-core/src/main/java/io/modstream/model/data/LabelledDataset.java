package io.modstream.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Labelled comments with their label names and where they came from. Immutable.
 *
 * @param labels the label names, in column order
 * @param rows the comments
 * @param source a description of the origin (a file path), for provenance
 * @param sha256 the SHA-256 of the source file, or empty if not from a file
 */
public record LabelledDataset(
    List<String> labels, List<LabelledComment> rows, String source, String sha256) {

  /** Validates and copies. */
  public LabelledDataset {
    labels = List.copyOf(labels);
    rows = List.copyOf(rows);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sha256, "sha256");
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a labelled dataset needs at least one label");
    }
    for (LabelledComment row : rows) {
      if (row.labels().length != labels.size()) {
        throw new IllegalArgumentException(
            "comment "
                + row.id()
                + " has "
                + row.labels().length
                + " labels, expected "
                + labels.size());
      }
    }
  }

  /**
   * Returns the number of comments.
   *
   * @return the row count
   */
  public int size() {
    return rows.size();
  }

  /**
   * Returns the texts in row order.
   *
   * @return the texts
   */
  public List<String> texts() {
    List<String> texts = new ArrayList<>(rows.size());
    for (LabelledComment row : rows) {
      texts.add(row.text());
    }
    return texts;
  }

  /**
   * Returns the labels as a matrix, one row per comment.
   *
   * @return {@code [size()][labels().size()]} flags
   */
  public boolean[][] truth() {
    boolean[][] truth = new boolean[rows.size()][];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = rows.get(i).labels();
    }
    return truth;
  }

  /**
   * Returns the number of positive rows per label.
   *
   * @return one count per label
   */
  public int[] positives() {
    int[] counts = new int[labels.size()];
    for (LabelledComment row : rows) {
      for (int j = 0; j < counts.length; j++) {
        if (row.label(j)) {
          counts[j]++;
        }
      }
    }
    return counts;
  }

  /**
   * Splits into training and validation parts, stratified on each row's rarest positive label (rows
   * with no positive label form their own stratum), so even a label with a few dozen positives
   * lands in both parts in proportion. The same seed and data always give the same split.
   *
   * @param validationFraction the share of each stratum that goes to validation, in (0, 1)
   * @param seed the shuffling seed
   * @return the split
   */
  public Split stratifiedSplit(double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction must be in (0, 1), got " + validationFraction);
    }
    Map<Integer, List<LabelledComment>> strata = strata();
    Random random = new Random(seed);
    List<LabelledComment> train = new ArrayList<>();
    List<LabelledComment> validation = new ArrayList<>();
    List<Integer> keys = new ArrayList<>(strata.keySet());
    keys.sort(Comparator.naturalOrder());
    for (int key : keys) {
      List<LabelledComment> stratum = new ArrayList<>(strata.get(key));
      Collections.shuffle(stratum, random);
      int n = (int) Math.round(stratum.size() * validationFraction);
      validation.addAll(stratum.subList(0, n));
      train.addAll(stratum.subList(n, stratum.size()));
    }
    Collections.shuffle(train, random);
    Collections.shuffle(validation, random);
    return new Split(
        new LabelledDataset(labels, train, source + " (train split)", sha256),
        new LabelledDataset(labels, validation, source + " (validation split)", sha256));
  }

  /**
   * Returns the first rows (for quick trials), or this dataset if it has no more.
   *
   * @param limit the most rows to keep; 0 or less keeps all
   * @return the dataset
   */
  public LabelledDataset first(int limit) {
    return limit <= 0 || limit >= rows.size()
        ? this
        : new LabelledDataset(labels, rows.subList(0, limit), source, sha256);
  }

  /**
   * Splits the rows into {@code k} stratified folds (strata as in {@link #stratifiedSplit}) and
   * returns one split per fold: the fold is the validation part, the other folds the training part.
   * Every row is in exactly one fold's validation part.
   *
   * @param k the number of folds, at least 2
   * @param seed the shuffling seed
   * @return {@code k} splits
   */
  public List<Split> stratifiedFolds(int k, long seed) {
    if (k < 2 || k > rows.size()) {
      throw new IllegalArgumentException("folds must be in [2, rows], got " + k);
    }
    Map<Integer, List<LabelledComment>> strata = strata();
    Random random = new Random(seed);
    List<List<LabelledComment>> folds = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      folds.add(new ArrayList<>());
    }
    List<Integer> keys = new ArrayList<>(strata.keySet());
    keys.sort(Comparator.naturalOrder());
    int next = 0;
    for (int key : keys) {
      List<LabelledComment> stratum = new ArrayList<>(strata.get(key));
      Collections.shuffle(stratum, random);
      for (LabelledComment row : stratum) {
        folds.get(next).add(row);
        next = (next + 1) % k;
      }
    }
    List<Split> splits = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      List<LabelledComment> train = new ArrayList<>();
      for (int g = 0; g < k; g++) {
        if (g != f) {
          train.addAll(folds.get(g));
        }
      }
      Collections.shuffle(train, new Random(seed + f));
      splits.add(
          new Split(
              new LabelledDataset(labels, train, source + " (fold " + (f + 1) + " train)", sha256),
              new LabelledDataset(
                  labels, folds.get(f), source + " (fold " + (f + 1) + " held out)", sha256)));
    }
    return splits;
  }

  /** Rows grouped by their rarest positive label (-1: none). */
  private Map<Integer, List<LabelledComment>> strata() {
    int[] positives = positives();
    Map<Integer, List<LabelledComment>> strata = new HashMap<>();
    for (LabelledComment row : rows) {
      int stratum = -1;
      for (int j = 0; j < positives.length; j++) {
        if (row.label(j) && (stratum < 0 || positives[j] < positives[stratum])) {
          stratum = j;
        }
      }
      strata.computeIfAbsent(stratum, key -> new ArrayList<>()).add(row);
    }
    return strata;
  }

  /**
   * A training/validation split.
   *
   * @param train the training part
   * @param validation the validation part
   */
  public record Split(LabelledDataset train, LabelledDataset validation) {}
}
