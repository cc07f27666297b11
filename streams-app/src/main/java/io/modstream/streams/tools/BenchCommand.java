package io.modstream.streams.tools;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: model-only scoring throughput, then end-to-end throughput and latency through a
 * running stack (comments topic -> streams app -> comment-labels), at the same batch size.
 * End-to-end latency is the time from a comment's record timestamp (set by the producer) to its
 * label event being readable by a read_committed consumer.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Measures model-only and end-to-end scoring throughput and latency.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "The bundle the running streams app serves.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "CSV/JSON-lines comments to score (real length distribution).")
  Path data;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "The stack's Kafka; empty skips the end-to-end part.")
  String bootstrap = "127.0.0.1:9092";

  @Option(names = "--count", description = "Comments per measurement.")
  int count = 5000;

  @Option(names = "--batch-size", description = "Model-only batch size (use the streams app's batch.size).")
  int batchSize = 256;

  @Option(names = "--half-load-seconds", description = "Length of the latency run at half the measured end-to-end throughput.")
  int halfLoadSeconds = 20;

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  @Override
  public Integer call() throws Exception {
    List<String> texts = new ArrayList<>();
    for (String[] row : ProduceCommand.read(data)) {
      if (!row[1].isBlank()) {
        texts.add(row[1]);
      }
    }
    List<String> sample = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sample.add(texts.get(i % texts.size()));
    }
    ModelRuntime.configureNativeThreads(1);
    ModerationModel scorer = ModerationModel.of(ModelBundle.load(model), 1, batchSize);
    scorer.score(sample.subList(0, Math.min(sample.size(), 2 * batchSize)));
    long t0 = System.nanoTime();
    for (int i = 0; i < sample.size(); i += batchSize) {
      scorer.score(sample.subList(i, Math.min(sample.size(), i + batchSize)));
    }
    double modelOnly = sample.size() / ((System.nanoTime() - t0) / 1e9);
    System.out.printf(Locale.ROOT, "model-only:   %,.0f comments/s (batch %d, %d comments, %s)%n",
        modelOnly, batchSize, sample.size(), scorer.info().version());
    if (bootstrap == null || bootstrap.isBlank()) {
      return 0;
    }
    Run full = run(sample, 0, "sat");
    System.out.printf(Locale.ROOT, "end-to-end:   %,.0f comments/s at saturation; latency p50 %.0f ms, p99 %.0f ms%n",
        full.throughput, full.p50, full.p99);
    System.out.printf(Locale.ROOT, "ratio:        %.2f (end-to-end / model-only)%n", full.throughput / modelOnly);
    double half = full.throughput / 2;
    int n = (int) Math.max(100, half * halfLoadSeconds);
    List<String> halfSample = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      halfSample.add(texts.get(i % texts.size()));
    }
    Run steady = run(halfSample, half, "half");
    System.out.printf(Locale.ROOT, "half load:    %,.0f comments/s offered; latency p50 %.0f ms, p99 %.0f ms%n",
        half, steady.p50, steady.p99);
    return 0;
  }

  private record Run(double throughput, double p50, double p99) {}

  private Run run(List<String> texts, double rate, String tag) throws Exception {
    String prefix = "bench-" + tag + "-" + System.nanoTime() + "-";
    Map<String, Object> c = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> p = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      List<TopicPartition> parts = consumer.partitionsFor("comment-labels").stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      long[] latencies = new long[texts.size()];
      int seen = 0;
      long start = System.nanoTime();
      long startMs = System.currentTimeMillis();
      int sent = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (seen < texts.size() && System.nanoTime() < deadline) {
        long due = rate > 0 ? start + (long) (sent * 1e9 / rate) : Long.MIN_VALUE;
        while (sent < texts.size() && (rate == 0 || System.nanoTime() >= due)) {
          String id = prefix + sent;
          producer.send(new ProducerRecord<>("comments", id,
              CODEC.encode(Comment.newBuilder().setCommentId(id).setText(texts.get(sent)).setCreatedAt(Instant.now()).build())));
          sent++;
          due = rate > 0 ? start + (long) (sent * 1e9 / rate) : Long.MIN_VALUE;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(rate > 0 ? 1 : 20))) {
          if (r.key() != null && r.key().startsWith(prefix)) {
            latencies[seen++] = System.currentTimeMillis() - r.timestamp();
          }
        }
      }
      double seconds = (System.currentTimeMillis() - startMs) / 1e3;
      if (seen < texts.size()) {
        throw new IllegalStateException("only " + seen + " of " + texts.size() + " events arrived within 10 minutes; is the streams app running against " + bootstrap + "?");
      }
      Arrays.sort(latencies);
      return new Run(texts.size() / seconds, latencies[(int) (0.50 * (seen - 1))], latencies[(int) (0.99 * (seen - 1))]);
    }
  }
}
