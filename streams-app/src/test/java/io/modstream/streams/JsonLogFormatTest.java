package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.schemas.LogFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code MODSTREAM_LOG_FORMAT=json}: one JSON object per line, with the contract's fields. The
 * backend is chosen once per JVM, so each format runs in a JVM of its own with this class path.
 */
class JsonLogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Logs what the test reads, in the format its environment picks. */
  public static final class Emitter {

    private Emitter() {}

    /**
     * Logs an INFO line with both MDC keys and an ERROR line with an exception.
     *
     * @param args unused
     */
    public static void main(String[] args) {
      String problem = LogFormat.selectOrExplain(System.getenv());
      if (problem != null) {
        System.err.println("error: " + problem);
        System.exit(2);
      }
      Logger log = LoggerFactory.getLogger("io.modstream.streams.ScoringProcessor");
      MDC.put(LogFormat.TASK_ID, "0_3");
      MDC.put(LogFormat.MODEL_VERSION, "v7");
      log.info("scored {} comments", 12);
      MDC.clear();
      log.error("a \"quoted\" failure\nover two lines", new IllegalStateException("boom"));
    }
  }

  @Test
  void jsonLinesCarryTheContractsFields() throws Exception {
    List<String> lines = run("json");
    assertThat(lines).as(String.join("\n", lines)).hasSize(2);
    JsonNode info = JSON.readTree(lines.get(0));
    assertThat(info.path("level").asText()).isEqualTo("INFO");
    assertThat(info.path("logger").asText()).isEqualTo("io.modstream.streams.ScoringProcessor");
    assertThat(info.path("thread").asText()).isEqualTo("main");
    assertThat(info.path("message").asText()).isEqualTo("scored 12 comments");
    assertThat(info.path("model_version").asText()).isEqualTo("v7");
    assertThat(info.path("task_id").asText()).isEqualTo("0_3");
    assertThat(info.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z");
    assertThat(info.has("exception")).isFalse();

    JsonNode error = JSON.readTree(lines.get(1));
    assertThat(error.path("level").asText()).isEqualTo("ERROR");
    assertThat(error.path("message").asText()).isEqualTo("a \"quoted\" failure\nover two lines");
    assertThat(error.path("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("at io.modstream.streams.JsonLogFormatTest$Emitter.main");
    assertThat(error.has("model_version")).as("MDC cleared").isFalse();
  }

  @Test
  void textStaysTheDefault() throws Exception {
    List<String> lines = run(null);
    assertThat(lines.get(0))
        .matches("\\d\\d:\\d\\d:\\d\\d INFO ScoringProcessor - scored 12 comments");
    assertThat(String.join("\n", lines)).contains("ERROR ScoringProcessor - a \"quoted\" failure");
  }

  @Test
  void anUnknownFormatNamesTheFix() throws Exception {
    List<String> lines = run("yaml");
    assertThat(lines)
        .containsExactly(
            "error: MODSTREAM_LOG_FORMAT=yaml is not a log format; set it to text (the default) or"
                + " json");
  }

  private static List<String> run(String format) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Emitter.class.getName());
    pb.environment().remove(LogFormat.ENV);
    if (format != null) {
      pb.environment().put(LogFormat.ENV, format);
    }
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.lines().toList();
  }
}
