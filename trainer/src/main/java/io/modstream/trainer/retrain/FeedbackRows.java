package io.modstream.trainer.retrain;

import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.Partition;
import io.modstream.model.training.Example;
import io.modstream.schemas.Feedback;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns moderators' verdicts into training, calibration and golden rows. A verdict judges the
 * labels it names (partial verdicts train those labels only); its comment id's hash puts it in one
 * of the three sets, the same {@link Partition} the base data uses. The {@link Guard} then works on
 * the training rows: reviewers whose verdicts contradict the rest are distrusted (their rows
 * weighted down, kept out of calibration and golden, and named), and no reviewer or source may
 * provide more than its share of a run.
 *
 * @param train weighted training rows
 * @param calibration calibration rows (weight 1)
 * @param golden held-out rows for the gate
 * @param counts what was used and dropped, per reason and per source
 * @param distrusted reviewers whose verdicts contradict the rest, with the evidence
 */
public record FeedbackRows(
    List<Example> train,
    List<Example> calibration,
    List<Example> golden,
    Map<String, Integer> counts,
    List<Distrust> distrusted) {

  /** Copies. */
  public FeedbackRows {
    train = List.copyOf(train);
    calibration = List.copyOf(calibration);
    golden = List.copyOf(golden);
    counts = Map.copyOf(counts);
    distrusted = List.copyOf(distrusted);
  }

  /**
   * The poisoning guard's settings.
   *
   * @param feedbackWeight how many base rows one verdict counts as in training
   * @param maxReviewerShare largest share of a run's feedback training rows from one reviewer,
   *     applied when there are enough reviewers for the share to be reachable by all
   * @param maxSourceShare largest share from one source, when there are several sources
   * @param distrustedWeight the weight factor of a distrusted reviewer's training rows, in [0, 1]
   * @param contradictionZ how many standard errors a reviewer's agreement with the serving model
   *     must lie below the other reviewers' for the reviewer to be distrusted
   * @param contradictionGap and by how much at least, in agreement (a probability)
   * @param minVerdicts a reviewer needs this many verdicts to be judged
   */
  public record Guard(
      double feedbackWeight,
      double maxReviewerShare,
      double maxSourceShare,
      double distrustedWeight,
      double contradictionZ,
      double contradictionGap,
      int minVerdicts) {

    /** Validates; messages name the option. */
    public Guard {
      if (!(feedbackWeight > 0 && feedbackWeight <= 100)) {
        throw new IllegalArgumentException(
            "--feedback-weight must be in (0, 100], got " + feedbackWeight);
      }
      if (!(maxReviewerShare > 0 && maxReviewerShare <= 1)
          || !(maxSourceShare > 0 && maxSourceShare <= 1)) {
        throw new IllegalArgumentException(
            "--max-reviewer-share and --max-source-share must be in (0, 1], got "
                + maxReviewerShare
                + " and "
                + maxSourceShare);
      }
      if (!(distrustedWeight >= 0 && distrustedWeight <= 1)) {
        throw new IllegalArgumentException(
            "--distrusted-weight must be in [0, 1], got " + distrustedWeight);
      }
      if (!(contradictionZ > 0) || !(contradictionGap >= 0) || minVerdicts < 2) {
        throw new IllegalArgumentException(
            "contradiction z must be > 0, gap >= 0 and minimum verdicts >= 2");
      }
    }

    /**
     * Returns the defaults: a verdict counts as 4 base rows; one reviewer at most a quarter of a
     * run, one source at most 0.8; a reviewer agreeing with the serving model more than 4 standard
     * errors and 0.15 below the others is distrusted and weighted 0.
     *
     * @return the guard
     */
    public static Guard defaults() {
      return new Guard(4.0, 0.25, 0.8, 0.0, 4.0, 0.15, 20);
    }

    /**
     * Returns this guard with other operator settings; the contradiction test stays.
     *
     * @param weight how many base rows one verdict counts as
     * @param reviewerShare largest share of a run from one reviewer
     * @param sourceShare largest share of a run from one source
     * @param distrusted the weight factor of a distrusted reviewer
     * @return the guard
     */
    public Guard with(double weight, double reviewerShare, double sourceShare, double distrusted) {
      return new Guard(
          weight,
          reviewerShare,
          sourceShare,
          distrusted,
          contradictionZ,
          contradictionGap,
          minVerdicts);
    }
  }

  /**
   * A distrusted reviewer and the evidence.
   *
   * @param reviewer the reviewer id
   * @param verdicts the reviewer's verdicts
   * @param agreement the serving model's mean probability of the reviewer's verdicts
   * @param othersAgreement the same for every other reviewer's verdicts
   * @param z the difference in standard errors
   */
  public record Distrust(
      String reviewer, int verdicts, double agreement, double othersAgreement, double z) {}

  /**
   * Splits, weighs and guards feedback.
   *
   * @param feedback merged verdict per comment id
   * @param labels the model's labels, in order
   * @param partition the three-way split by comment id
   * @param guard the poisoning guard
   * @param servingScores the serving model's scores per comment id (the guard's reference); a
   *     comment without scores is not used to judge its reviewer
   * @return the rows and counts
   */
  public static FeedbackRows of(
      Map<String, Feedback> feedback,
      List<String> labels,
      Partition partition,
      Guard guard,
      Map<String, float[]> servingScores) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<Feedback> usable = new ArrayList<>();
    // Sorted by id, so a run does not depend on the order partitions were read in.
    List<Feedback> sorted = new ArrayList<>(feedback.values());
    sorted.sort(Comparator.comparing(Feedback::getCommentId));
    for (Feedback f : sorted) {
      if (labels.stream().noneMatch(f.getLabels()::containsKey)) {
        counts.merge("skipped.no_model_label", 1, Integer::sum);
      } else {
        usable.add(f);
        if (!f.getLabels().keySet().containsAll(labels)) {
          counts.merge("partial", 1, Integer::sum);
        }
      }
    }
    List<Distrust> distrusted = distrust(usable, labels, guard, servingScores);
    Set<String> distrustedIds = new HashSet<>();
    distrusted.forEach(d -> distrustedIds.add(d.reviewer()));

    List<Example> calibration = new ArrayList<>();
    List<Example> golden = new ArrayList<>();
    List<Feedback> candidates = new ArrayList<>();
    for (Feedback f : usable) {
      boolean distrust = distrustedIds.contains(reviewer(f));
      Partition.Part part = partition.of(f.getCommentId());
      if (part == Partition.Part.TRAIN) {
        candidates.add(f);
      } else if (distrust) {
        counts.merge("dropped.distrusted_held_out", 1, Integer::sum);
      } else if (part == Partition.Part.GOLDEN) {
        golden.add(example(f, labels, 1.0));
      } else {
        calibration.add(example(f, labels, 1.0));
      }
    }

    // Newest first, so a cap keeps a reviewer's most recent work.
    candidates.sort(Comparator.comparing(Feedback::getCreatedAt).reversed());
    Map<String, Long> perReviewerTotal = new HashMap<>();
    candidates.forEach(f -> perReviewerTotal.merge(reviewer(f), 1L, Long::sum));
    perReviewerTotal.remove("");
    int reviewerLimit =
        perReviewerTotal.size() < Math.ceil(1 / guard.maxReviewerShare())
            ? Integer.MAX_VALUE
            : (int) Math.ceil(guard.maxReviewerShare() * candidates.size());
    long distinctSources = candidates.stream().map(Feedback::getSource).distinct().count();
    int sourceLimit =
        distinctSources < 2
            ? Integer.MAX_VALUE
            : (int) Math.ceil(guard.maxSourceShare() * candidates.size());
    Map<String, Integer> perReviewer = new HashMap<>();
    Map<String, Integer> perSource = new HashMap<>();
    List<Example> train = new ArrayList<>();
    for (Feedback f : candidates) {
      String reviewer = reviewer(f);
      String source = f.getSource().name();
      if (!reviewer.isEmpty() && perReviewer.merge(reviewer, 1, Integer::sum) > reviewerLimit) {
        counts.merge("dropped.reviewer_share", 1, Integer::sum);
      } else if (perSource.merge(source, 1, Integer::sum) > sourceLimit) {
        counts.merge("dropped.source_share", 1, Integer::sum);
      } else {
        double weight = guard.feedbackWeight();
        if (distrustedIds.contains(reviewer)) {
          weight *= guard.distrustedWeight();
          counts.merge("distrusted", 1, Integer::sum);
        }
        train.add(example(f, labels, weight));
        counts.merge("train.source." + source, 1, Integer::sum);
      }
    }
    counts.put("train", train.size());
    counts.put("calibration", calibration.size());
    counts.put("golden", golden.size());
    return new FeedbackRows(train, calibration, golden, counts, distrusted);
  }

  /**
   * Finds reviewers whose verdicts the serving model agrees with far less than it agrees with the
   * other reviewers': a flipped-label campaign shows up this way, while honest reviewers in a new
   * domain, where the model is wrong for all of them alike, do not.
   */
  static List<Distrust> distrust(
      List<Feedback> verdicts,
      List<String> labels,
      Guard guard,
      Map<String, float[]> servingScores) {
    Map<String, List<Double>> agreement = new LinkedHashMap<>();
    for (Feedback f : verdicts) {
      float[] scores = servingScores.get(f.getCommentId());
      if (scores == null || reviewer(f).isEmpty()) {
        continue;
      }
      double sum = 0;
      int count = 0;
      for (int j = 0; j < labels.size(); j++) {
        Boolean value = f.getLabels().get(labels.get(j));
        if (value != null) {
          sum += value ? scores[j] : 1 - scores[j];
          count++;
        }
      }
      agreement.computeIfAbsent(reviewer(f), k -> new ArrayList<>()).add(sum / count);
    }
    List<Distrust> distrusted = new ArrayList<>();
    for (Map.Entry<String, List<Double>> e : agreement.entrySet()) {
      List<Double> mine = e.getValue();
      List<Double> others = new ArrayList<>();
      agreement.forEach(
          (reviewer, values) -> {
            if (!reviewer.equals(e.getKey())) {
              others.addAll(values);
            }
          });
      if (mine.size() < guard.minVerdicts() || others.size() < guard.minVerdicts()) {
        continue;
      }
      double m = mean(mine);
      double o = mean(others);
      double se = Math.sqrt(variance(mine, m) / mine.size() + variance(others, o) / others.size());
      double z = (o - m) / Math.max(se, 1e-9);
      if (z > guard.contradictionZ() && o - m > guard.contradictionGap()) {
        distrusted.add(new Distrust(e.getKey(), mine.size(), m, o, z));
      }
    }
    return distrusted;
  }

  private static Example example(Feedback f, List<String> labels, double weight) {
    boolean[] values = new boolean[labels.size()];
    boolean[] judged = new boolean[labels.size()];
    for (int j = 0; j < labels.size(); j++) {
      Boolean value = f.getLabels().get(labels.get(j));
      judged[j] = value != null;
      values[j] = value != null && value;
    }
    return new Example(new LabelledComment(f.getCommentId(), f.getText(), values), judged, weight);
  }

  private static String reviewer(Feedback f) {
    return f.getReviewerId() == null ? "" : f.getReviewerId();
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static double variance(List<Double> values, double mean) {
    double sum = 0;
    for (double v : values) {
      sum += (v - mean) * (v - mean);
    }
    return values.size() < 2 ? 0 : sum / (values.size() - 1);
  }
}
