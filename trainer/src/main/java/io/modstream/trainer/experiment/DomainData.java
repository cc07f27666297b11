package io.modstream.trainer.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A labelled file from another domain, read as moderators' partial verdicts: each row judges only
 * the model labels its annotation maps to ({@link Format}); every other label stays unjudged, never
 * read as 0.
 *
 * @param format the file's format
 * @param rows the rows, in file order
 */
public record DomainData(Format format, List<Row> rows) {

  /** Copies. */
  public DomainData {
    rows = List.copyOf(rows);
  }

  /** The formats and their label mapping. */
  public enum Format {
    /**
     * OLID v1.0 TSV ({@code id, tweet, subtask_a, subtask_b, subtask_c}): toxic = subtask_a OFF;
     * insult = subtask_b TIN (targeted insult or threat), so NOT and untargeted tweets are insult
     * 0.
     */
    OLID("olid", List.of("toxic", "insult")),
    /**
     * Davidson et al. 2017 CSV ({@code ,count,hate_speech,offensive_language,neither,class,tweet};
     * class 0 hate speech, 1 offensive, 2 neither): toxic = class 0 or 1; identity_hate = class 0.
     */
    DAVIDSON("davidson", List.of("toxic", "identity_hate"));

    private final String id;
    private final List<String> labels;

    Format(String id, List<String> labels) {
      this.id = id;
      this.labels = labels;
    }

    /**
     * Returns the name used on the command line and as the comment-id prefix.
     *
     * @return the name
     */
    public String id() {
      return id;
    }

    /**
     * Returns the model labels a row of this format judges.
     *
     * @return the judged labels
     */
    public List<String> labels() {
      return labels;
    }

    /**
     * Parses a command-line name.
     *
     * @param name olid or davidson, any case
     * @return the format
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Format parse(String name) {
      for (Format f : values()) {
        if (f.id.equalsIgnoreCase(name.trim())) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          "--format must be olid (OLID v1.0 TSV) or davidson (Davidson et al. CSV), got '"
              + name
              + "'");
    }
  }

  /**
   * One row as a verdict.
   *
   * @param id the comment id, prefixed with the dataset name so it never collides with base ids
   * @param text the text
   * @param labels the judged labels and their values
   */
  public record Row(String id, String text, Map<String, Boolean> labels) {

    /** Copies. */
    public Row {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * Returns whether the row is toxic (the stratum of the held-out split).
     *
     * @return the toxic value
     */
    public boolean toxic() {
      return labels.get("toxic");
    }
  }

  /**
   * The held-out in-domain test rows and the rest, shuffled, from which verdicts are drawn.
   *
   * @param holdout never published: the in-domain test set
   * @param pool the other rows in a fixed random order; the first N become N verdicts
   */
  public record Split(List<Row> holdout, List<Row> pool) {

    /** Copies. */
    public Split {
      holdout = List.copyOf(holdout);
      pool = List.copyOf(pool);
    }
  }

  /**
   * Reads a file (gzip if its name ends in .gz).
   *
   * @param file the file
   * @param format its format
   * @return the rows
   * @throws IOException on read failure, a missing column, an unknown label value or a repeated id
   */
  public static DomainData read(Path file, Format format) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (Reader reader = reader(file);
        CSVParser parser = csv(format).parse(reader)) {
      List<String> required =
          format == Format.OLID
              ? List.of("id", "tweet", "subtask_a", "subtask_b")
              : List.of("class", "tweet");
      for (String column : required) {
        if (!parser.getHeaderMap().containsKey(column)) {
          throw new IOException(
              file
                  + " has no column '"
                  + column
                  + "' (columns "
                  + parser.getHeaderNames()
                  + "); is --format "
                  + format.id()
                  + " the file's format?");
        }
      }
      Set<String> ids = new HashSet<>();
      for (CSVRecord r : parser) {
        Row row = format == Format.OLID ? olid(file, r) : davidson(file, r);
        if (!ids.add(row.id())) {
          throw new IOException(
              file + " line " + r.getRecordNumber() + ": repeated id " + row.id());
        }
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      throw new IOException(file + " has no rows");
    }
    return new DomainData(format, rows);
  }

  /**
   * Holds out a share of the rows, stratified on toxic, and shuffles the rest; both with the seed.
   *
   * @param holdoutFraction the held-out share, in (0, 1)
   * @param seed the seed
   * @return the held-out rows and the verdict pool
   */
  public Split split(double holdoutFraction, long seed) {
    Random random = new Random(seed);
    List<Row> holdout = new ArrayList<>();
    List<Row> pool = new ArrayList<>();
    for (boolean toxic : new boolean[] {true, false}) {
      List<Row> stratum = new ArrayList<>(rows.stream().filter(r -> r.toxic() == toxic).toList());
      Collections.shuffle(stratum, random);
      int held = (int) Math.round(stratum.size() * holdoutFraction);
      holdout.addAll(stratum.subList(0, held));
      pool.addAll(stratum.subList(held, stratum.size()));
    }
    Collections.shuffle(pool, random);
    return new Split(holdout, pool);
  }

  private static Row olid(Path file, CSVRecord r) throws IOException {
    String a = r.get("subtask_a").trim().toUpperCase(Locale.ROOT);
    String b = r.get("subtask_b").trim().toUpperCase(Locale.ROOT);
    if (!a.equals("OFF") && !a.equals("NOT")) {
      throw new IOException(
          file + " line " + r.getRecordNumber() + ": subtask_a must be OFF or NOT, got " + a);
    }
    Map<String, Boolean> labels = new LinkedHashMap<>();
    labels.put("toxic", a.equals("OFF"));
    labels.put("insult", b.equals("TIN"));
    return new Row("olid-" + r.get("id").trim(), r.get("tweet"), labels);
  }

  private static Row davidson(Path file, CSVRecord r) throws IOException {
    String c = r.get("class").trim();
    if (!c.equals("0") && !c.equals("1") && !c.equals("2")) {
      throw new IOException(
          file + " line " + r.getRecordNumber() + ": class must be 0, 1 or 2, got " + c);
    }
    Map<String, Boolean> labels = new LinkedHashMap<>();
    labels.put("toxic", !c.equals("2"));
    labels.put("identity_hate", c.equals("0"));
    return new Row("davidson-" + r.get(0).trim(), r.get("tweet"), labels);
  }

  private static CSVFormat csv(Format format) {
    // OLID quotes a tweet holding quotes as CSV does ("a ""b"""): a real parser, with quotes.
    CSVFormat.Builder b =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setAllowMissingColumnNames(true);
    if (format == Format.OLID) {
      b.setDelimiter('\t');
    }
    return b.build();
  }

  private static Reader reader(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.toString().endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }
}
