package io.modstream.trainer.console;

import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.CommentReader;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.JsonRecords;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.RecordDecodingException;
import io.modstream.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's view of the topics: every comment with the label events, per-label topics and
 * verdicts it received, read from the beginning by one consumer thread without a group (the console
 * commits nothing, so any number can run). At most {@code maxComments} comments are kept, the
 * oldest leaving first. Thread-safe: readers get immutable copies.
 */
final class ModerationLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModerationLog.class);

  /** The header a console verdict carries its note in (Feedback has no field for it). */
  static final String NOTE_HEADER = "modstream-note";

  private static final Duration REFRESH = Duration.ofSeconds(5);

  /** A verdict and its note. */
  record Verdict(Feedback feedback, String note) {}

  /**
   * One comment as the console sees it.
   *
   * @param commentId the id
   * @param comment the comment, or null when only its label events were read
   * @param events its label events, oldest first
   * @param flaggedTopics the per-label topics it was published to
   * @param verdicts its verdicts, oldest first
   */
  record History(
      String commentId,
      Comment comment,
      List<LabelEvent> events,
      Set<String> flaggedTopics,
      List<Verdict> verdicts) {

    History {
      events = List.copyOf(events);
      flaggedTopics = Set.copyOf(flaggedTopics);
      verdicts = List.copyOf(verdicts);
    }

    /** The latest label event, or null. */
    LabelEvent latest() {
      return events.isEmpty() ? null : events.get(events.size() - 1);
    }
  }

  private static final class State {
    Comment comment;
    final List<LabelEvent> events = new ArrayList<>();
    final Set<String> flagged = new LinkedHashSet<>();
    final List<Verdict> verdicts = new ArrayList<>();
  }

  private final ConsoleSettings.TopicNames topics;
  private final KafkaConsumer<String, byte[]> consumer;
  private final CommentReader comments = new CommentReader(null);
  private final AvroCodec<LabelEvent> labelCodec = AvroCodec.of(LabelEvent.class);
  private final AvroCodec<Feedback> feedbackCodec = AvroCodec.of(Feedback.class);
  private final Thread thread;
  private final int maxComments;

  private final Map<String, State> byId;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private volatile boolean closed;
  private long undecodable;

  ModerationLog(ConsoleSettings settings) {
    this.topics = settings.topics();
    this.maxComments = settings.maxComments();
    this.byId =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > maxComments;
          }
        };
    Map<String, Object> config = new HashMap<>(ModelReleases.consumerConfig(settings.connection()));
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "modstream-console");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "modstream-console-log");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long nextRefresh = 0;
    try {
      while (!closed) {
        if (System.nanoTime() - nextRefresh >= 0) {
          assign();
          nextRefresh = System.nanoTime() + REFRESH.toNanos();
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        var records = consumer.poll(Duration.ofMillis(200));
        synchronized (this) {
          for (ConsumerRecord<String, byte[]> r : records) {
            apply(r);
          }
          for (TopicPartition tp : assigned) {
            positions.put(tp, consumer.position(tp));
          }
          notifyAll();
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (KafkaException e) {
      LOG.error("the console stopped reading the topics: {}", e.toString());
    } finally {
      consumer.close();
    }
  }

  /** Assigns every partition of the topics, per-label topics included as they appear. */
  private void assign() {
    Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(10));
    List<TopicPartition> fresh = new ArrayList<>();
    for (Map.Entry<String, List<PartitionInfo>> t : all.entrySet()) {
      String name = t.getKey();
      boolean wanted =
          name.equals(topics.comments())
              || name.equals(topics.labels())
              || name.equals(topics.feedback())
              || name.startsWith(topics.flaggedPrefix());
      if (!wanted) {
        continue;
      }
      for (PartitionInfo p : t.getValue()) {
        TopicPartition tp = new TopicPartition(name, p.partition());
        if (!assigned.contains(tp)) {
          fresh.add(tp);
        }
      }
    }
    if (!fresh.isEmpty()) {
      synchronized (this) {
        assigned.addAll(fresh);
      }
      consumer.assign(assigned);
      consumer.seekToBeginning(fresh);
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null || r.value() == null) {
      return;
    }
    String topic = r.topic();
    try {
      if (topic.equals(topics.comments())) {
        WireFormat format = WireFormat.detect(r.value(), r.headers());
        state(r.key()).comment =
            comments.read(format, topic, r.key(), r.value(), r.headers(), r.timestamp());
      } else if (topic.equals(topics.labels())) {
        LabelEvent event = labelEvent(r);
        if (event == null) {
          if (undecodable++ == 0) {
            LOG.warn(
                "label events of {} are in the registry's format, which the console does not read;"
                    + " run the scorer with output.format avro or json",
                topic);
          }
          return;
        }
        state(r.key()).events.add(event);
      } else if (topic.equals(topics.feedback())) {
        Header note = r.headers().lastHeader(NOTE_HEADER);
        state(r.key())
            .verdicts
            .add(
                new Verdict(
                    feedbackCodec.decode(r.value()),
                    note == null ? null : new String(note.value(), StandardCharsets.UTF_8)));
      } else if (topic.startsWith(topics.flaggedPrefix())) {
        state(r.key()).flagged.add(topic);
      }
    } catch (RecordDecodingException e) {
      if (undecodable++ == 0) {
        LOG.warn(
            "skipping a record of {} the console cannot decode ({}); further ones are counted"
                + " silently",
            topic,
            e.getMessage());
      }
    }
  }

  private LabelEvent labelEvent(ConsumerRecord<String, byte[]> r) {
    WireFormat format = WireFormat.detect(r.value(), r.headers());
    return switch (format) {
      case AVRO -> labelCodec.decode(r.value());
      case JSON -> JsonRecords.labelEvent(r.value());
      case REGISTRY -> null;
    };
  }

  private State state(String id) {
    return byId.computeIfAbsent(id, k -> new State());
  }

  /** Every comment with a label event, oldest first. */
  synchronized List<History> scored() {
    List<History> out = new ArrayList<>();
    for (Map.Entry<String, State> e : byId.entrySet()) {
      if (!e.getValue().events.isEmpty()) {
        out.add(copy(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /** One comment's history, or null when the console has read nothing of it. */
  synchronized History history(String id) {
    State s = byId.get(id);
    return s == null ? null : copy(id, s);
  }

  private static History copy(String id, State s) {
    return new History(id, s.comment, s.events, s.flagged, s.verdicts);
  }

  /**
   * Waits until the console has read a partition past an offset (its own verdict, say), so the next
   * page shows it.
   *
   * @return whether it got there in time
   */
  synchronized boolean awaitRead(TopicPartition tp, long offset, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (positions.getOrDefault(tp, -1L) <= offset) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
