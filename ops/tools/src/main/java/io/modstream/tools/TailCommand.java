package io.modstream.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.CommentReader;
import io.modstream.schemas.DeadLetterHeaders;
import io.modstream.schemas.JsonRecords;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.Topics;
import io.modstream.schemas.WireFormat;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tail}: follows label events (or dead letters) and prints one line each: JSON objects for
 * programs, or a readable line with the comment's excerpt, scores, flags and model version.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Follows a topic of label events (or the dead-letter topic) and prints each record.")
public final class TailCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    json,
    text
  }

  @Option(
      names = "--topic",
      description = "Topic to follow (label events, a comments-flagged-<label> topic, or the DLQ).")
  String topic = Topics.COMMENT_LABELS.name();

  @Mixin BrokerOptions broker;

  @Option(
      names = "--format",
      description =
          "json: one JSON object per line; text: a readable line. Valid: ${COMPLETION-CANDIDATES}.")
  Format format = Format.json;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest record instead of new ones.")
  boolean fromBeginning;

  @Option(
      names = "--comments-topic",
      description = "With --format text: topic to read comment texts from, for excerpts.")
  String commentsTopic = Topics.COMMENTS.name();

  @Mixin RegistryOption registry;

  @Option(
      names = "--max",
      description = "Exit after this many records; 0 = follow until interrupted.")
  long max;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroCodec<LabelEvent> EVENTS = AvroCodec.of(LabelEvent.class);
  private Deserializer<LabelEvent> registryEvents;
  private CommentReader commentReader;
  private static final int TEXT_CACHE = 20_000;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> props = new HashMap<>(broker.connect(BrokerOptions.Access.READ));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    SchemaRegistry chosen = registry.orNull();
    if (chosen != null) {
      registryEvents = chosen.deserializer();
    }
    commentReader = new CommentReader(chosen);
    boolean withText = format == Format.text;
    Map<String, String> texts =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > TEXT_CACHE;
          }
        };
    PrintStream out = System.out;
    long printed = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> events = partitions(consumer, topic);
      List<TopicPartition> all = new ArrayList<>(events);
      List<TopicPartition> comments = withText ? partitions(consumer, commentsTopic) : List.of();
      all.addAll(comments);
      consumer.assign(all);
      if (fromBeginning) {
        consumer.seekToBeginning(events);
      } else {
        consumer.seekToEnd(events);
      }
      // Texts: start a little back so events of the last moments find their comment.
      consumer.seekToBeginning(comments);
      while (max == 0 || printed < max) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.topic().equals(commentsTopic) && withText) {
            if (r.value() != null) {
              try {
                Comment c =
                    commentReader.read(
                        WireFormat.detect(r.value(), r.headers()),
                        r.topic(),
                        r.key(),
                        r.value(),
                        r.headers(),
                        r.timestamp());
                texts.put(r.key() != null ? r.key() : c.getCommentId(), c.getText());
              } catch (RuntimeException ignored) {
                // malformed comments end up in the DLQ; nothing to show here
              }
            }
            continue;
          }
          out.println(render(r, texts));
          printed++;
          if (max > 0 && printed >= max) {
            break;
          }
        }
        out.flush();
      }
    }
    return 0;
  }

  /** Decodes an event in whichever format the app writes (it names it in a header too). */
  private LabelEvent event(ConsumerRecord<String, byte[]> r) {
    return switch (WireFormat.detect(r.value(), r.headers())) {
      case AVRO -> EVENTS.decode(r.value());
      case JSON -> JsonRecords.labelEvent(r.value());
      case REGISTRY -> {
        if (registryEvents == null) {
          throw new IllegalStateException(
              "the events are in the schema registry's wire format: pass --registry URL");
        }
        yield registryEvents.deserialize(r.topic(), r.headers(), r.value());
      }
    };
  }

  private String render(ConsumerRecord<String, byte[]> r, Map<String, String> texts)
      throws Exception {
    Header reason = r.headers().lastHeader(DeadLetterHeaders.REASON);
    if (reason != null) {
      String why = new String(reason.value(), StandardCharsets.UTF_8);
      Header detail = r.headers().lastHeader(DeadLetterHeaders.DETAIL);
      String d = detail == null ? "" : new String(detail.value(), StandardCharsets.UTF_8);
      if (format == Format.text) {
        return String.format(Locale.ROOT, "DLQ %-14s key=%s  %s", why, r.key(), d);
      }
      ObjectNode n = JSON.createObjectNode();
      n.put("key", r.key());
      n.put("reason", why);
      n.put("detail", d);
      n.put("partition", r.partition());
      n.put("offset", r.offset());
      return JSON.writeValueAsString(n);
    }
    LabelEvent e = event(r);
    if (format == Format.json) {
      ObjectNode n = JSON.createObjectNode();
      n.put("key", r.key());
      n.put("comment_id", e.getCommentId());
      n.put("model_name", e.getModelName());
      n.put("model_version", e.getModelVersion());
      ObjectNode scores = n.putObject("scores");
      e.getScores().forEach(scores::put);
      n.putArray("flagged")
          .addAll(e.getFlagged().stream().map(JSON.getNodeFactory()::textNode).toList());
      n.put("decided_at", e.getDecidedAt().toString());
      n.put("scoring_latency_micros", e.getScoringLatencyMicros());
      n.put("partition", r.partition());
      n.put("offset", r.offset());
      return JSON.writeValueAsString(n);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "[%s] %-18.18s ", e.getModelVersion(), e.getCommentId()));
    // Avro maps decode unordered: print labels alphabetically so columns line up.
    new TreeMap<>(e.getScores())
        .forEach(
            (label, score) ->
                sb.append(String.format(Locale.ROOT, "%s %.2f  ", abbreviate(label), score)));
    sb.append(
        e.getFlagged().isEmpty()
            ? "| ok      "
            : "| FLAGGED " + String.join(",", e.getFlagged()) + " ");
    String text = texts.get(r.key());
    sb.append("| ").append(text == null ? "(text not seen)" : excerpt(text));
    return sb.toString();
  }

  private static String abbreviate(String label) {
    return switch (label) {
      case "severe_toxic" -> "severe";
      case "identity_hate" -> "identity";
      default -> label;
    };
  }

  private static String excerpt(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 60 ? "\"" + flat + "\"" : "\"" + flat.substring(0, 57) + "...\"";
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException(
          "topic '" + topic + "' does not exist on " + consumer.toString());
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }
}
