package io.modstream.model.data;

import io.modstream.schemas.SafeFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads Jigsaw-format labelled CSV: a header row {@code id,comment_text,<label>...} where every
 * column after the text is a 0/1 label, so the label names come from the file, not from code. RFC
 * 4180 quoting (fields with commas, quotes and newlines); plain or gzip (detected from the content,
 * not the file name).
 */
public final class LabelledCsv {

  /** The id column's name. */
  public static final String ID_COLUMN = "id";

  /** The text column's name. */
  public static final String TEXT_COLUMN = "comment_text";

  private LabelledCsv() {}

  /**
   * Writes rows in the format {@link #read(Path)} reads (plain, not gzip).
   *
   * @param file the destination, replaced if present
   * @param data the rows
   * @throws IOException on write failure
   */
  public static void write(Path file, LabelledDataset data) throws IOException {
    try (CSVPrinter printer =
        new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), CSVFormat.RFC4180)) {
      List<String> header = new ArrayList<>(List.of(ID_COLUMN, TEXT_COLUMN));
      header.addAll(data.labels());
      printer.printRecord(header);
      for (LabelledComment row : data.rows()) {
        List<Object> record = new ArrayList<>(List.of(row.id(), row.text()));
        for (int j = 0; j < data.labels().size(); j++) {
          record.add(row.label(j) ? 1 : 0);
        }
        printer.printRecord(record);
      }
    }
  }

  /**
   * Reads a whole file.
   *
   * @param file a CSV or gzip-compressed CSV file
   * @return the dataset, with the file's SHA-256 for provenance
   * @throws IOException if the file is missing, unreadable or not in the expected format; the
   *     message names the row and column at fault
   */
  public static LabelledDataset read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      LabelledDataset parsed = read(in, file.toString());
      return new LabelledDataset(
          parsed.labels(), parsed.rows(), file.toString(), SafeFiles.sha256(file));
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          file.toString(), null, "no such data file; pass a Jigsaw-format CSV (plain or .gz)");
    }
  }

  /**
   * Reads CSV from a stream (plain or gzip).
   *
   * @param in the stream; not closed
   * @param source a name for error messages and provenance
   * @return the dataset (with an empty SHA-256)
   * @throws IOException if the content is not in the expected format
   */
  public static LabelledDataset read(InputStream in, String source) throws IOException {
    InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = buffered.read();
    buffered.reset();
    InputStream content =
        (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    Reader reader = new InputStreamReader(content, StandardCharsets.UTF_8);
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
    CSVParser parser = CSVParser.parse(reader, format);
    List<String> header = parser.getHeaderNames();
    if (header.size() < 3
        || !ID_COLUMN.equals(header.get(0))
        || !TEXT_COLUMN.equals(header.get(1))) {
      throw new IOException(
          source
              + ": expected a header 'id,comment_text,<label>,...' (Jigsaw format), found "
              + header);
    }
    List<String> labels = header.subList(2, header.size());
    List<LabelledComment> rows = new ArrayList<>();
    for (CSVRecord record : parser) {
      if (record.size() != header.size()) {
        throw new IOException(
            source
                + ": record "
                + record.getRecordNumber()
                + " (line "
                + parser.getCurrentLineNumber()
                + ") has "
                + record.size()
                + " fields, expected "
                + header.size());
      }
      boolean[] flags = new boolean[labels.size()];
      for (int j = 0; j < flags.length; j++) {
        String value = record.get(j + 2).trim();
        if ("1".equals(value)) {
          flags[j] = true;
        } else if (!"0".equals(value)) {
          throw new IOException(
              source
                  + ": record "
                  + record.getRecordNumber()
                  + " (id "
                  + record.get(0)
                  + "), column "
                  + labels.get(j)
                  + ": expected 0 or 1, found '"
                  + value
                  + "'");
        }
      }
      rows.add(new LabelledComment(record.get(0), record.get(1), flags));
    }
    if (rows.isEmpty()) {
      throw new IOException(source + ": no data rows after the header");
    }
    return new LabelledDataset(labels, rows, source, "");
  }
}
