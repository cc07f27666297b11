package io.modstream.trainer.console;

import io.modstream.schemas.FeedbackSource;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What waits for a moderator: each scored comment without a moderator's verdict on its latest
 * scoring that is flagged or has a score within {@code uncertainty} of its threshold, closest to a
 * threshold first (the verdicts a model learns most from).
 */
final class ReviewQueue {

  /** A label of an item: its score against its threshold and what drove it. */
  record LabelRow(
      String label,
      String score,
      String threshold,
      boolean flagged,
      boolean thresholdKnown,
      String spans,
      int key) {}

  /** A run of the comment's text, highlighted when an explanation names it. */
  record Segment(String text, boolean hit, String labels) {}

  /** One comment to review. */
  record Item(
      String commentId,
      String modelVersion,
      List<LabelRow> labels,
      List<Segment> segments,
      double distance,
      boolean flagged) {}

  private final Thresholds thresholds;
  private final double uncertainty;

  ReviewQueue(Thresholds thresholds, double uncertainty) {
    this.thresholds = thresholds;
    this.uncertainty = uncertainty;
  }

  List<Item> items(List<ModerationLog.History> scored, int limit) {
    List<Item> out = new ArrayList<>();
    for (ModerationLog.History h : scored) {
      LabelEvent e = h.latest();
      if (h.comment() == null || reviewed(h, e)) {
        continue;
      }
      Item item = item(h, e);
      if (item.flagged() || item.distance() <= uncertainty) {
        out.add(item);
      }
    }
    out.sort(Comparator.comparingDouble(Item::distance));
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** Whether a moderator judged the comment after its latest scoring. */
  private static boolean reviewed(ModerationLog.History h, LabelEvent latest) {
    return h.verdicts().stream()
        .map(ModerationLog.Verdict::feedback)
        .anyMatch(
            f ->
                f.getSource() == FeedbackSource.MODERATOR_DECISION
                    && !f.getCreatedAt().isBefore(latest.getDecidedAt()));
  }

  Item item(ModerationLog.History h, LabelEvent e) {
    Map<String, Double> known = thresholds.of(e.getModelVersion());
    List<String> labels = new ArrayList<>(known.keySet());
    for (String label : new TreeSet<>(e.getScores().keySet())) {
      if (!labels.contains(label)) {
        labels.add(label);
      }
    }
    Map<String, List<Span>> explanations =
        e.getExplanations() == null ? Map.of() : e.getExplanations();
    List<LabelRow> rows = new ArrayList<>();
    double distance = Double.MAX_VALUE;
    int key = 1;
    for (String label : labels) {
      Double score = e.getScores().get(label);
      if (score == null) {
        continue;
      }
      double threshold = known.getOrDefault(label, Thresholds.DEFAULT);
      distance = Math.min(distance, Math.abs(score - threshold));
      List<String> words = new ArrayList<>();
      for (Span s : explanations.getOrDefault(label, List.of())) {
        words.add(String.format(Locale.ROOT, "%s (%+.2f)", s.getText(), s.getWeight()));
      }
      rows.add(
          new LabelRow(
              label,
              String.format(Locale.ROOT, "%.3f", score),
              String.format(Locale.ROOT, "%.2f", threshold),
              e.getFlagged().contains(label),
              known.containsKey(label),
              String.join(", ", words),
              key++));
    }
    return new Item(
        h.commentId(),
        e.getModelVersion(),
        rows,
        segments(h.comment().getText(), explanations),
        distance,
        !e.getFlagged().isEmpty());
  }

  /**
   * Splits a text into runs, marking the words the explanations name (whole words, any case). The
   * runs stay plain text: the page escapes each, so a comment's markup never becomes markup.
   */
  static List<Segment> segments(String text, Map<String, List<Span>> explanations) {
    Map<String, Set<String>> labelsByWord = new LinkedHashMap<>();
    explanations.forEach(
        (label, spans) -> {
          for (Span s : spans) {
            if (s.getWeight() > 0 && !s.getText().isBlank()) {
              labelsByWord
                  .computeIfAbsent(s.getText().toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>())
                  .add(label);
            }
          }
        });
    List<Segment> out = new ArrayList<>();
    if (labelsByWord.isEmpty()) {
      out.add(new Segment(text, false, ""));
      return out;
    }
    StringBuilder alternatives = new StringBuilder();
    labelsByWord.keySet().stream()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .forEach(
            w ->
                alternatives
                    .append(alternatives.length() == 0 ? "" : "|")
                    .append(Pattern.quote(w)));
    Pattern p =
        Pattern.compile(
            "(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    Matcher m = p.matcher(text);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        out.add(new Segment(text.substring(at, m.start()), false, ""));
      }
      Set<String> labels = labelsByWord.get(m.group().toLowerCase(Locale.ROOT));
      out.add(new Segment(m.group(), true, labels == null ? "" : String.join(", ", labels)));
      at = m.end();
    }
    if (at < text.length()) {
      out.add(new Segment(text.substring(at), false, ""));
    }
    return out;
  }
}
