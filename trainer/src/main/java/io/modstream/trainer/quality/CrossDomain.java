package io.modstream.trainer.quality;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Out-of-domain sets scored zero-shot (never trained on): Davidson et al. 2017 tweets (hate speech
 * or offensive vs neither, read as toxic) and OLID (OFF read as toxic, TIN as insult).
 *
 * @param name the set's name
 * @param texts the texts
 * @param truths per model label scored, that label's truth
 */
public record CrossDomain(String name, List<String> texts, Map<String, boolean[]> truths) {

  /**
   * Reads the Davidson CSV ({@code class}: 0 hate, 1 offensive, 2 neither; {@code tweet}).
   *
   * @param file the CSV
   * @param maxRows the most rows, sampled with a fixed seed; 0 = all
   * @return the set
   * @throws IOException on read failure or a missing column
   */
  public static CrossDomain davidson(Path file, int maxRows) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (Reader r = reader(file)) {
      for (CSVRecord rec :
          CSVFormat.RFC4180
              .builder()
              .setHeader()
              .setSkipHeaderRecord(true)
              .setAllowMissingColumnNames(true)
              .build()
              .parse(r)) {
        rows.add(new String[] {rec.get("tweet"), rec.get("class")});
      }
    }
    rows = sample(rows, maxRows);
    List<String> texts = new ArrayList<>();
    boolean[] toxic = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      texts.add(rows.get(i)[0]);
      toxic[i] = !"2".equals(rows.get(i)[1].trim());
    }
    return new CrossDomain(
        "Davidson 2017 (hate or offensive = toxic)", texts, Map.of("toxic", toxic));
  }

  /**
   * Reads OLID's training TSV ({@code tweet}, {@code subtask_a} OFF/NOT, {@code subtask_b}
   * TIN/UNT).
   *
   * @param file the TSV
   * @param maxRows the most rows, sampled with a fixed seed; 0 = all
   * @return the set
   * @throws IOException on read failure or a missing column
   */
  public static CrossDomain olid(Path file, int maxRows) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (Reader r = reader(file)) {
      CSVFormat tsv =
          CSVFormat.TDF.builder().setHeader().setSkipHeaderRecord(true).setQuote(null).build();
      for (CSVRecord rec : tsv.parse(r)) {
        rows.add(new String[] {rec.get("tweet"), rec.get("subtask_a"), rec.get("subtask_b")});
      }
    }
    rows = sample(rows, maxRows);
    List<String> texts = new ArrayList<>();
    boolean[] toxic = new boolean[rows.size()];
    boolean[] insult = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      texts.add(rows.get(i)[0]);
      toxic[i] = "OFF".equals(rows.get(i)[1].trim());
      insult[i] = "TIN".equals(rows.get(i)[2].trim());
    }
    return new CrossDomain(
        "OLID 2019 (OFF = toxic, TIN = insult)", texts, Map.of("toxic", toxic, "insult", insult));
  }

  private static List<String[]> sample(List<String[]> rows, int maxRows) {
    if (maxRows <= 0 || rows.size() <= maxRows) {
      return rows;
    }
    List<String[]> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(20_17));
    return shuffled.subList(0, maxRows);
  }

  private static Reader reader(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.toString().endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }
}
