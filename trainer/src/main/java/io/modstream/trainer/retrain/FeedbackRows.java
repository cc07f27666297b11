package io.modstream.trainer.retrain;

import io.modstream.model.data.LabelledComment;
import io.modstream.schemas.Feedback;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns feedback into training and golden rows: only verdicts that judge every model label are
 * used; a stable slice chosen by comment-id hash is held out for the golden set and never trained
 * on; the rest is capped per reviewer and, when there are several sources, per source, so that no
 * single reviewer or source can dominate a run (a guard against poisoned feedback).
 *
 * @param train capped training rows
 * @param golden held-out rows
 * @param counts what was used and dropped, per reason and per source
 */
public record FeedbackRows(
    List<LabelledComment> train, List<LabelledComment> golden, Map<String, Integer> counts) {

  /**
   * Splits and caps feedback.
   *
   * @param feedback latest verdict per comment id
   * @param labels the model's labels, in order
   * @param holdoutPercent percent of comment ids (by hash) held out, 0-99
   * @param maxPerReviewer most training rows from one reviewer (the newest kept)
   * @param maxSourceShare largest share of the training rows one source may provide, (0, 1]
   * @return the rows and counts
   */
  public static FeedbackRows of(
      Map<String, Feedback> feedback,
      List<String> labels,
      int holdoutPercent,
      int maxPerReviewer,
      double maxSourceShare) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<LabelledComment> golden = new ArrayList<>();
    List<Feedback> candidates = new ArrayList<>();
    for (Feedback f : feedback.values()) {
      if (!f.getLabels().keySet().containsAll(labels)) {
        counts.merge("skipped.incomplete_labels", 1, Integer::sum);
        continue;
      }
      if (Math.floorMod(f.getCommentId().hashCode(), 100) < holdoutPercent) {
        golden.add(row(f, labels));
      } else {
        candidates.add(f);
      }
    }
    candidates.sort(Comparator.comparing(Feedback::getCreatedAt).reversed());
    Map<String, Integer> perReviewer = new HashMap<>();
    List<Feedback> reviewed = new ArrayList<>();
    for (Feedback f : candidates) {
      String reviewer = f.getReviewerId() == null ? "" : f.getReviewerId();
      if (!reviewer.isEmpty() && perReviewer.merge(reviewer, 1, Integer::sum) > maxPerReviewer) {
        counts.merge("dropped.reviewer_cap", 1, Integer::sum);
      } else {
        reviewed.add(f);
      }
    }
    // The share cap guards against one source crowding out the others; with a single source
    // there is nothing to crowd out.
    long distinctSources = reviewed.stream().map(Feedback::getSource).distinct().count();
    int perSourceLimit =
        distinctSources < 2
            ? Integer.MAX_VALUE
            : Math.max(1, (int) Math.floor(maxSourceShare * reviewed.size()));
    Map<String, Integer> perSource = new HashMap<>();
    List<LabelledComment> train = new ArrayList<>();
    for (Feedback f : reviewed) {
      String source = f.getSource().name();
      if (perSource.merge(source, 1, Integer::sum) > perSourceLimit) {
        counts.merge("dropped.source_cap", 1, Integer::sum);
      } else {
        train.add(row(f, labels));
        counts.merge("train.source." + source, 1, Integer::sum);
      }
    }
    counts.put("train", train.size());
    counts.put("golden", golden.size());
    return new FeedbackRows(train, golden, counts);
  }

  private static LabelledComment row(Feedback f, List<String> labels) {
    boolean[] flags = new boolean[labels.size()];
    for (int j = 0; j < flags.length; j++) {
      flags[j] = f.getLabels().get(labels.get(j));
    }
    return new LabelledComment(f.getCommentId(), f.getText(), flags);
  }
}
