package io.modstream.streams;

import io.modstream.model.ModerationModel;
import io.modstream.model.Verdict;
import io.modstream.schemas.Comment;
import io.modstream.schemas.CommentReader;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.LogFormat;
import io.modstream.schemas.RecordDecodingException;
import io.modstream.schemas.RegistryUnavailableException;
import io.modstream.schemas.Span;
import io.modstream.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Validates comments, buffers them in a changelog-backed store and scores them in batches: when
 * {@code batch.size} comments are buffered, or when the oldest has waited {@code batch.max.wait.ms}
 * (wall clock). A due batch is scored together with the waiting comments of the other tasks of the
 * same stream thread ({@link ThreadBatch}), by one model read once from the {@link ModelHolder};
 * each task forwards its own results. Each comment yields one {@link LabelEvent} on the labels sink
 * and one more on the sink of every label it is flagged with. Invalid input goes to the dead-letter
 * sink.
 *
 * <p>Why a store and not a list: Kafka Streams commits the offsets of records already handed to
 * {@code process()}, so a comment buffered in memory at a commit would be lost in a crash. In the
 * store, the buffered comment is written to the changelog in the same transaction as the offset
 * commit (exactly_once_v2), and restored on restart. The store is only read back at {@code init()};
 * in between, the same comments are held in memory in sequence order, with their scores once
 * scored. A comment leaves the store only when its events are forwarded, so a comment scored for
 * this task by another task's call but not yet forwarded is scored again after a crash.
 */
final class ScoringProcessor
    implements Processor<String, byte[], String, Object>, ThreadBatch.Member {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);
  static final String METRICS_SCOPE = "modstream";

  private final ModelHolder models;
  private final CommentReader reader;
  private final int batchSize;
  private final long maxWaitMs;
  private final int maxTextBytes;
  private final Map<String, String> flaggedSinks;
  private final ScoringMetrics metrics;
  private String taskId;

  private ProcessorContext<String, Object> context;
  private KeyValueStore<Long, byte[]> buffer;
  private ThreadBatch batch;

  /** The buffered comments in sequence order: the scored ones first, then the unscored. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  private long nextSequence;
  private int unscored;
  private long oldestUnscoredMs = Long.MAX_VALUE;
  private Sensor batchSensor;
  private Sensor scoredSensor;
  private Sensor deadLetterSensor;

  /** A buffered comment, and its verdict once a call has decided it. */
  private static final class Waiting {
    final long sequence;
    final PendingComment comment;
    Verdict verdict;
    long decidedAtMs;

    Waiting(long sequence, PendingComment comment) {
      this.sequence = sequence;
      this.comment = comment;
    }
  }

  ScoringProcessor(
      ModelHolder models,
      CommentReader reader,
      int batchSize,
      long maxWaitMs,
      int maxTextBytes,
      Map<String, String> flaggedSinks,
      ScoringMetrics metrics) {
    this.models = models;
    this.metrics = metrics;
    this.reader = reader;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
    this.maxTextBytes = maxTextBytes;
    this.flaggedSinks = Map.copyOf(flaggedSinks);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(ScoringTopology.BUFFER_STORE);
    // init() runs again on the same instance when a task is revived: start from the store alone.
    waiting.clear();
    nextSequence = 0;
    unscored = 0;
    oldestUnscoredMs = Long.MAX_VALUE;
    // After a restart the store holds what was buffered at the last commit (restored from the
    // changelog), in sequence order; continue its sequence and timing.
    try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> e = it.next();
        PendingComment comment = PendingComment.decode(e.value);
        waiting.add(new Waiting(e.key, comment));
        nextSequence = Math.max(nextSequence, e.key + 1);
        unscored++;
        oldestUnscoredMs = Math.min(oldestUnscoredMs, comment.enqueuedAtMs());
      }
    }
    if (unscored > 0) {
      LOG.info(
          "task {}: {} buffered comments restored from the changelog", context.taskId(), unscored);
    }
    // Metrics in group stream-modstream-metrics, tagged with the task id (JMX, and any
    // metrics.reporters configured with kafka.metric.reporters): score-batch-latency-avg/max and
    // -rate/-total per scoring call this task started, scored-comment-rate/-total,
    // dead-letter-rate/-total.
    String task = context.taskId().toString();
    taskId = task;
    batchSensor =
        context
            .metrics()
            .addLatencyRateTotalSensor(
                METRICS_SCOPE, task, "score-batch", Sensor.RecordingLevel.INFO);
    scoredSensor =
        context
            .metrics()
            .addRateTotalSensor(METRICS_SCOPE, task, "scored-comment", Sensor.RecordingLevel.INFO);
    deadLetterSensor =
        context
            .metrics()
            .addRateTotalSensor(METRICS_SCOPE, task, "dead-letter", Sensor.RecordingLevel.INFO);
    long tick = Math.max(1, maxWaitMs / 5);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::onTick);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      deadLetter(record, DeadLetter.NULL_VALUE, "the value is null; publish a Comment");
      return;
    }
    Comment comment;
    try {
      WireFormat format = WireFormat.detect(record.value(), record.headers());
      String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
      comment =
          reader.read(
              format, topic, record.key(), record.value(), record.headers(), record.timestamp());
    } catch (RecordDecodingException e) {
      deadLetter(record, DeadLetter.valueOf(e.reason().name()), e.getMessage());
      return;
    } catch (RegistryUnavailableException e) {
      // The comment may be fine: fail the task so that it is retried from its committed offset.
      throw new StreamsException(e.getMessage() + "; the comment stays unread until it answers", e);
    }
    String text = comment.getText();
    if (text.isBlank()) {
      deadLetter(record, DeadLetter.EMPTY_TEXT, "the comment text is empty or whitespace only");
      return;
    }
    int bytes =
        text.length() <= maxTextBytes / 3
            ? text.length()
            : text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxTextBytes) {
      deadLetter(
          record,
          DeadLetter.TEXT_TOO_LARGE,
          "the text has " + bytes + " UTF-8 bytes, more than text.max.bytes=" + maxTextBytes);
      return;
    }
    long now = context.currentSystemTimeMs();
    String key = record.key() != null ? record.key() : comment.getCommentId();
    PendingComment pending = new PendingComment(key, text, record.timestamp(), now);
    long sequence = nextSequence++;
    buffer.put(sequence, pending.encode());
    waiting.add(new Waiting(sequence, pending));
    unscored++;
    oldestUnscoredMs = Math.min(oldestUnscoredMs, now);
    joinThreadBatch();
    if (unscored >= batchSize) {
      score();
    }
    forwardScored();
  }

  @Override
  public void close() {
    if (batch != null) {
      batch.leave(this);
      batch = null;
    }
    waiting.clear();
    unscored = 0;
    context.metrics().removeSensor(batchSensor);
    context.metrics().removeSensor(scoredSensor);
    context.metrics().removeSensor(deadLetterSensor);
  }

  private void onTick(long now) {
    joinThreadBatch();
    if (unscored > 0 && now - oldestUnscoredMs >= maxWaitMs) {
      score();
    }
    forwardScored();
  }

  /** Joins the batch of the thread running this task (a task runs on one stream thread). */
  private void joinThreadBatch() {
    ThreadBatch current = ThreadBatch.ofCurrentThread();
    if (current != batch) {
      if (batch != null) {
        batch.leave(this);
      }
      batch = current;
      batch.join(this);
    }
  }

  /** Scores this task's unscored comments, and those of the thread's other tasks, in one call. */
  private void score() {
    ModerationModel model = models.current();
    // Per call, not per record: what the engine and the clients log meanwhile names both.
    MDC.put(LogFormat.TASK_ID, taskId);
    MDC.put(LogFormat.MODEL_VERSION, model.info().version());
    long started = System.nanoTime();
    int scored;
    try {
      scored = batch.scoreAll(model, context::currentSystemTimeMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException("interrupted while scoring; the batch stays buffered", e);
    } finally {
      MDC.remove(LogFormat.TASK_ID);
      MDC.remove(LogFormat.MODEL_VERSION);
    }
    long nanos = System.nanoTime() - started;
    batchSensor.record(nanos / 1e6);
    if (scored > 0) {
      metrics.scored(model, scored, nanos);
    }
  }

  @Override
  public void addUnscoredTexts(List<String> texts) {
    int scored = waiting.size() - unscored;
    int i = 0;
    for (Waiting w : waiting) {
      if (i++ >= scored) {
        texts.add(w.comment.text());
      }
    }
  }

  @Override
  public void acceptVerdicts(List<Verdict> verdicts, long decidedAtMs) {
    if (verdicts.size() != unscored) {
      throw new IllegalStateException(
          "task "
              + context.taskId()
              + ": "
              + verdicts.size()
              + " verdicts for "
              + unscored
              + " unscored comments");
    }
    int scored = waiting.size() - unscored;
    int i = 0;
    for (Waiting w : waiting) {
      if (i >= scored) {
        w.verdict = verdicts.get(i - scored);
        w.decidedAtMs = decidedAtMs;
      }
      i++;
    }
    unscored = 0;
    oldestUnscoredMs = Long.MAX_VALUE;
  }

  /** Forwards the events of the scored comments and removes them from the buffer. */
  private void forwardScored() {
    while (!waiting.isEmpty() && waiting.peekFirst().verdict != null) {
      Waiting w = waiting.pollFirst();
      PendingComment p = w.comment;
      Verdict verdict = w.verdict;
      List<String> flagged = verdict.flagged();
      LabelEvent event =
          LabelEvent.newBuilder()
              .setCommentId(p.key())
              .setModelName(verdict.modelName())
              .setModelVersion(verdict.modelVersion())
              .setScores(verdict.scoresByLabel())
              .setFlagged(flagged)
              .setDecidedAt(Instant.ofEpochMilli(w.decidedAtMs))
              .setScoringLatencyMicros(Math.max(0, w.decidedAtMs - p.enqueuedAtMs()) * 1000)
              .setExplanations(explanations(verdict))
              .build();
      Record<String, Object> out = new Record<>(p.key(), event, p.timestamp());
      context.forward(out, ScoringTopology.LABELS_SINK);
      for (String label : flagged) {
        context.forward(out, flaggedSinks.get(label));
        metrics.flagged(label);
      }
      buffer.delete(w.sequence);
      scoredSensor.record();
      metrics.decided(p.timestamp(), w.decidedAtMs);
    }
  }

  /** The verdict's words behind each flagged label, or null (the field's default) for none. */
  private static Map<String, List<Span>> explanations(Verdict verdict) {
    if (verdict.explanations().isEmpty()) {
      return null;
    }
    Map<String, List<Span>> out = new LinkedHashMap<>();
    verdict
        .explanations()
        .forEach(
            (label, words) ->
                out.put(label, words.stream().map(w -> new Span(w.word(), w.weight())).toList()));
    return out;
  }

  private void deadLetter(Record<String, byte[]> record, DeadLetter reason, String detail) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    reason.addTo(headers, detail, source.topic(), source.partition(), source.offset());
    context.forward(
        new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers),
        ScoringTopology.DLQ_SINK);
    deadLetterSensor.record();
    metrics.deadLetter(reason);
    LOG.debug(
        "dead-lettered {}-{}@{}: {} ({})",
        source.topic(),
        source.partition(),
        source.offset(),
        reason,
        detail);
  }
}
