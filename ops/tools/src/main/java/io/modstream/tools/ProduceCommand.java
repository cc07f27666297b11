package io.modstream.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.JsonRecords;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.Topics;
import io.modstream.schemas.WireFormat;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code produce}: publishes comments from a CSV or JSON-lines file as {@link Comment} records. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Publishes comments to Kafka. Input: CSV with id and comment_text columns (plain or gzip),",
      "or JSON lines with comment_id and text fields (any other fields are ignored)."
    })
public final class ProduceCommand implements Callable<Integer> {

  @Option(
      names = "--file",
      required = true,
      paramLabel = "FILE",
      description = "CSV (.csv, .csv.gz) or JSON lines (.jsonl, .json) file.")
  Path file;

  @Option(names = "--topic", description = "Topic to publish to.")
  String topic = Topics.COMMENTS.name();

  @Mixin BrokerOptions broker;

  @Option(names = "--rate", description = "Comments per second; 0 publishes as fast as possible.")
  double rate;

  @Option(
      names = "--loop",
      description =
          "Start over at the end of the file (ids get a #<round> suffix) until interrupted.")
  boolean loop;

  @Option(names = "--limit", description = "Stop after this many comments; 0 = no limit.")
  long limit;

  @Option(
      names = "--format",
      description =
          "How to encode the comments: avro (single-object), json or registry (the schema"
              + " registry's wire format). Valid: avro, json, registry.")
  String format = WireFormat.AVRO.configName();

  @Mixin RegistryOption registry;

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  /** The encoder of the chosen format. */
  private Serializer<Comment> encoder() throws IOException {
    WireFormat wire = WireFormat.ofConfigName(format);
    return switch (wire) {
      case AVRO -> (t, c) -> CODEC.encode(c);
      case JSON -> (t, c) -> JsonRecords.comment(c);
      case REGISTRY -> {
        SchemaRegistry chosen = registry.orNull();
        if (chosen == null) {
          throw new IllegalArgumentException(
              "--format registry needs a registry: pass --registry URL, or start the stack with"
                  + " ops/run-local --registry");
        }
        yield chosen.serializer();
      }
    };
  }

  @Override
  public Integer call() throws Exception {
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must be 0 (unlimited) or positive, got " + rate);
    }
    Serializer<Comment> encoder = encoder();
    List<String[]> rows = read(file);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no comments");
    }
    Map<String, Object> props =
        ToolProducers.settings(
            broker.connect(BrokerOptions.Access.PRODUCE),
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"));
    long sent = 0;
    long start = System.nanoTime();
    ToolProducers.Failures outcome = new ToolProducers.Failures();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int round = 0; round == 0 || loop; round++) {
        for (String[] row : rows) {
          if (limit > 0 && sent >= limit) {
            break;
          }
          String id = round == 0 ? row[0] : row[0] + "#" + round;
          Comment c =
              Comment.newBuilder()
                  .setCommentId(id)
                  .setText(row[1])
                  .setCreatedAt(Instant.now())
                  .build();
          producer.send(new ProducerRecord<>(topic, id, encoder.serialize(topic, c)), outcome);
          sent++;
          if (rate > 0) {
            long due = start + (long) (sent * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          }
        }
        if (limit > 0 && sent >= limit) {
          break;
        }
      }
      producer.flush();
    } finally {
      encoder.close();
    }
    outcome.check(sent, "comments", topic);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.err.printf("published %d comments to %s in %.1f s%n", sent, topic, seconds);
    return 0;
  }

  /**
   * Reads the (id, text) rows of a CSV or JSON-lines file, plain or gzip.
   *
   * @param file the file; a name holding ".json" is read as JSON lines, any other as CSV
   * @return the rows, each {id, text}
   * @throws IOException if the file cannot be read or lacks the id and text columns
   */
  public static List<String[]> read(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file));
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    try (Reader reader =
        new InputStreamReader(gzip ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8)) {
      String name = String.valueOf(file.getFileName());
      return name.contains(".json") ? readJsonLines(reader, file) : readCsv(reader, file);
    }
  }

  private static List<String[]> readCsv(Reader reader, Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    CSVParser parser =
        CSVParser.parse(
            reader, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build());
    if (!parser.getHeaderNames().contains("id")
        || !parser.getHeaderNames().contains("comment_text")) {
      throw new IOException(
          file + ": a CSV needs 'id' and 'comment_text' columns; found " + parser.getHeaderNames());
    }
    for (CSVRecord r : parser) {
      rows.add(new String[] {r.get("id"), r.get("comment_text")});
    }
    return rows;
  }

  private static List<String[]> readJsonLines(Reader reader, Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    BufferedReader lines = new BufferedReader(reader);
    int n = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = json.readTree(line);
      if (!node.hasNonNull("comment_id") || !node.hasNonNull("text")) {
        throw new IOException(file + " line " + n + ": needs \"comment_id\" and \"text\" fields");
      }
      rows.add(new String[] {node.get("comment_id").asText(), node.get("text").asText()});
    }
    return rows;
  }
}
