package io.modstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.testing.TestData;
import io.modstream.schemas.SafeFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledCsvTest {

  private static final String CSV =
      "id,comment_text,toxic,threat\n"
          + "a1,\"first line\nsecond line, with a comma\nand \"\"quotes\"\"\",1,0\n"
          + "a2,plain,0,0\r\n"
          + "a3,\"\",0,1\n";

  private static LabelledDataset parse(String csv) throws IOException {
    return LabelledCsv.read(
        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "test.csv");
  }

  @Test
  void readsMultiLineQuotedFieldsAndTakesLabelsFromTheHeader() throws IOException {
    LabelledDataset data = parse(CSV);
    assertThat(data.labels()).containsExactly("toxic", "threat");
    assertThat(data.size()).isEqualTo(3);
    assertThat(data.rows().get(0).text())
        .isEqualTo("first line\nsecond line, with a comma\nand \"quotes\"");
    assertThat(data.rows().get(0).labels()).containsExactly(true, false);
    assertThat(data.rows().get(1).text()).isEqualTo("plain");
    assertThat(data.rows().get(2).text()).isEmpty();
    assertThat(data.rows().get(2).labels()).containsExactly(false, true);
  }

  @Test
  void detectsGzipFromTheContentAndRecordsTheFileDigest(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(CSV.getBytes(StandardCharsets.UTF_8));
    }
    Path file = dir.resolve("no-gz-suffix.csv");
    Files.write(file, bytes.toByteArray());
    LabelledDataset data = LabelledCsv.read(file);
    assertThat(data.size()).isEqualTo(3);
    assertThat(data.sha256()).hasSize(64).isEqualTo(SafeFiles.sha256(bytes.toByteArray()));
  }

  @Test
  void errorsNameTheRecordAndColumn() {
    assertThatThrownBy(() -> parse("id,comment_text,toxic\nx1,hello,yes\n"))
        .hasMessageContaining("x1")
        .hasMessageContaining("toxic")
        .hasMessageContaining("'yes'");
    assertThatThrownBy(() -> parse("text,label\nhello,1\n"))
        .hasMessageContaining("id,comment_text");
    assertThatThrownBy(() -> parse("id,comment_text,toxic\nx1,hello\n"))
        .hasMessageContaining("fields");
    assertThatThrownBy(() -> parse("id,comment_text,toxic\n")).hasMessageContaining("no data rows");
  }

  @Test
  void missingFileSaysWhatToPass() {
    assertThatThrownBy(() -> LabelledCsv.read(Path.of("does/not/exist.csv")))
        .hasMessageContaining("Jigsaw-format");
  }

  @Test
  void readsTheCommittedSample() {
    LabelledDataset sample = TestData.sample(Integer.MAX_VALUE);
    assertThat(sample.size()).isEqualTo(2000);
    assertThat(sample.labels())
        .containsExactly("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate");
    assertThat(Arrays.stream(sample.positives()).min().orElseThrow()).isGreaterThanOrEqualTo(50);
  }
}
