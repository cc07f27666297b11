package io.modstream.trainer.retrain;

import io.modstream.model.ModerationModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Canary comments with the flags a releasable model must give them: a CSV {@code
 * text,expected_flags} where {@code expected_flags} is a {@code ;}-separated list of labels that
 * must be flagged, or empty for a comment that must not be flagged at all (benign mentions of
 * identity terms, for example).
 *
 * @param cases the canaries
 */
public record Canaries(List<Case> cases) {

  /** The bundled default set (trainer/src/main/resources/canaries.csv). */
  public static final String DEFAULT_RESOURCE = "/canaries.csv";

  /**
   * One canary.
   *
   * @param text the comment
   * @param expected labels that must be flagged; empty: no label may be flagged
   */
  public record Case(String text, Set<String> expected) {

    boolean passes(Set<String> flagged) {
      return expected.isEmpty() ? flagged.isEmpty() : flagged.containsAll(expected);
    }
  }

  /** Copies. */
  public Canaries {
    cases = List.copyOf(cases);
  }

  /**
   * Reads canaries from a file, or the bundled set when {@code file} is null.
   *
   * @param file a CSV file or null
   * @return the canaries
   * @throws IOException if unreadable
   */
  public static Canaries read(Path file) throws IOException {
    try (InputStream in =
            file == null
                ? Canaries.class.getResourceAsStream(DEFAULT_RESOURCE)
                : Files.newInputStream(file);
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      List<Case> cases = new ArrayList<>();
      for (CSVRecord rec :
          CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
        Set<String> expected = new HashSet<>();
        for (String label : rec.get("expected_flags").split(";")) {
          if (!label.isBlank()) {
            expected.add(label.strip());
          }
        }
        cases.add(new Case(rec.get("text"), expected));
      }
      return new Canaries(cases);
    }
  }

  /**
   * Scores the canaries and returns the ones the model gets wrong.
   *
   * @param model the candidate
   * @return one line per failing canary, empty if all pass
   * @throws InterruptedException if interrupted
   */
  public List<String> failures(ModerationModel model) throws InterruptedException {
    return failures(model, null);
  }

  /**
   * Returns the canaries a candidate gets wrong that the serving model gets right: a canary both
   * fail blocks no release, since keeping an old fault is no regression and the next candidate may
   * fix it.
   *
   * @param candidate the candidate
   * @param champion the serving model
   * @return one line per new failure, empty if none
   * @throws InterruptedException if interrupted
   */
  public List<String> regressions(ModerationModel candidate, ModerationModel champion)
      throws InterruptedException {
    return failures(candidate, champion);
  }

  private List<String> failures(ModerationModel model, ModerationModel reference)
      throws InterruptedException {
    List<String> texts = cases.stream().map(Case::text).toList();
    float[][] referenceScores = reference == null ? null : reference.score(texts);
    float[][] scores = model.score(texts);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Set<String> flagged = new HashSet<>(model.flagged(scores[i]));
      Case c = cases.get(i);
      boolean ok = c.passes(flagged);
      boolean referenceFails =
          referenceScores != null
              && !c.passes(new HashSet<>(reference.flagged(referenceScores[i])));
      if (!ok && !referenceFails) {
        failures.add(
            "\""
                + c.text()
                + "\" flagged "
                + flagged
                + ", expected "
                + (c.expected().isEmpty() ? "none" : c.expected()));
      }
    }
    return failures;
  }
}
