package io.modstream.streams;

import io.modstream.model.ModerationModel;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.RecordDecodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * Validates comments, buffers them in a changelog-backed store and scores them in batches: when
 * {@code batch.size} comments are buffered, or when the oldest has waited {@code
 * batch.max.wait.ms} (wall clock). Each batch is scored by one model (read once from the {@link
 * ModelHolder}); each comment yields one {@link LabelEvent} on the labels sink and one more on the
 * sink of every label it is flagged with. Invalid input goes to the dead-letter sink.
 *
 * <p>Why a store and not a list: Kafka Streams commits the offsets of records already handed to
 * {@code process()}, so a comment buffered in memory at a commit would be lost in a crash. In the
 * store, the buffered comment is written to the changelog in the same transaction as the offset
 * commit (exactly_once_v2), and restored on restart.
 */
final class ScoringProcessor implements Processor<String, byte[], String, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);
  static final String METRICS_SCOPE = "modstream";

  private final ModelHolder models;
  private final AvroCodec<Comment> codec = AvroCodec.of(Comment.class);
  private final int batchSize;
  private final long maxWaitMs;
  private final int maxTextBytes;
  private final Map<String, String> flaggedSinks;

  private ProcessorContext<String, Object> context;
  private KeyValueStore<Long, byte[]> buffer;
  private long nextSequence;
  private int buffered;
  private long oldestEnqueuedMs = Long.MAX_VALUE;
  private Sensor batchSensor;
  private Sensor scoredSensor;
  private Sensor deadLetterSensor;

  ScoringProcessor(ModelHolder models, int batchSize, long maxWaitMs, int maxTextBytes, Map<String, String> flaggedSinks) {
    this.models = models;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
    this.maxTextBytes = maxTextBytes;
    this.flaggedSinks = Map.copyOf(flaggedSinks);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(ScoringTopology.BUFFER_STORE);
    // After a restart the store holds what was buffered at the last commit (restored from the
    // changelog); continue its sequence and timing.
    try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> e = it.next();
        nextSequence = Math.max(nextSequence, e.key + 1);
        buffered++;
        oldestEnqueuedMs = Math.min(oldestEnqueuedMs, PendingComment.decode(e.value).enqueuedAtMs());
      }
    }
    if (buffered > 0) {
      LOG.info("task {}: {} buffered comments restored from the changelog", context.taskId(), buffered);
    }
    // Metrics in group stream-modstream-metrics, tagged with the task id (JMX, and any
    // metrics.reporters configured with kafka.metric.reporters): score-batch-latency-avg/max and
    // -rate/-total per batch, scored-comment-rate/-total, dead-letter-rate/-total.
    String task = context.taskId().toString();
    batchSensor = context.metrics().addLatencyRateTotalSensor(METRICS_SCOPE, task, "score-batch", Sensor.RecordingLevel.INFO);
    scoredSensor = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, "scored-comment", Sensor.RecordingLevel.INFO);
    deadLetterSensor = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, "dead-letter", Sensor.RecordingLevel.INFO);
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
      comment = codec.decode(record.value());
    } catch (RecordDecodingException e) {
      deadLetter(record, DeadLetter.valueOf(e.reason().name()), e.getMessage());
      return;
    }
    String text = comment.getText();
    if (text.isBlank()) {
      deadLetter(record, DeadLetter.EMPTY_TEXT, "the comment text is empty or whitespace only");
      return;
    }
    int bytes = text.length() <= maxTextBytes / 3 ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxTextBytes) {
      deadLetter(record, DeadLetter.TEXT_TOO_LARGE,
          "the text has " + bytes + " UTF-8 bytes, more than text.max.bytes=" + maxTextBytes);
      return;
    }
    long now = context.currentSystemTimeMs();
    String key = record.key() != null ? record.key() : comment.getCommentId();
    buffer.put(nextSequence++, new PendingComment(key, text, record.timestamp(), now).encode());
    buffered++;
    oldestEnqueuedMs = Math.min(oldestEnqueuedMs, now);
    if (buffered >= batchSize) {
      flush();
    }
  }

  @Override
  public void close() {
    context.metrics().removeSensor(batchSensor);
    context.metrics().removeSensor(scoredSensor);
    context.metrics().removeSensor(deadLetterSensor);
  }

  private void onTick(long now) {
    if (buffered > 0 && now - oldestEnqueuedMs >= maxWaitMs) {
      flush();
    }
  }

  private void flush() {
    List<Long> sequences = new ArrayList<>(buffered);
    List<PendingComment> pending = new ArrayList<>(buffered);
    try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> e = it.next();
        sequences.add(e.key);
        pending.add(PendingComment.decode(e.value));
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    List<String> texts = new ArrayList<>(pending.size());
    for (PendingComment p : pending) {
      texts.add(p.text());
    }
    ModerationModel model = models.current();
    long started = System.nanoTime();
    float[][] scores;
    try {
      scores = model.score(texts);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException("interrupted while scoring; the batch stays buffered", e);
    }
    batchSensor.record((System.nanoTime() - started) / 1e6);
    long decidedAt = context.currentSystemTimeMs();
    List<String> labels = model.labels();
    for (int i = 0; i < pending.size(); i++) {
      PendingComment p = pending.get(i);
      Map<String, Double> byLabel = new LinkedHashMap<>();
      for (int j = 0; j < labels.size(); j++) {
        byLabel.put(labels.get(j), (double) scores[i][j]);
      }
      List<String> flagged = model.flagged(scores[i]);
      LabelEvent event =
          LabelEvent.newBuilder()
              .setCommentId(p.key())
              .setModelName(model.info().name())
              .setModelVersion(model.info().version())
              .setScores(byLabel)
              .setFlagged(flagged)
              .setDecidedAt(Instant.ofEpochMilli(decidedAt))
              .setScoringLatencyMicros(Math.max(0, decidedAt - p.enqueuedAtMs()) * 1000)
              .build();
      Record<String, Object> out = new Record<>(p.key(), event, p.timestamp());
      context.forward(out, ScoringTopology.LABELS_SINK);
      for (String label : flagged) {
        context.forward(out, flaggedSinks.get(label));
      }
      buffer.delete(sequences.get(i));
      scoredSensor.record();
    }
    buffered = 0;
    oldestEnqueuedMs = Long.MAX_VALUE;
  }

  private void deadLetter(Record<String, byte[]> record, DeadLetter reason, String detail) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    reason.addTo(headers, detail, source.topic(), source.partition(), source.offset());
    context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers), ScoringTopology.DLQ_SINK);
    deadLetterSensor.record();
    LOG.debug("dead-lettered {}-{}@{}: {} ({})", source.topic(), source.partition(), source.offset(), reason, detail);
  }
}
