package io.modstream.trainer;

import io.modstream.model.BundleInfo;
import io.modstream.model.LabelMetrics;
import io.modstream.model.ModelBundle;
import io.modstream.schemas.AvroSerde;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trainer release}: copies a verified bundle into the release store and publishes a
 * {@link ModelRelease} for it, which every running streams-app instance follows and swaps to.
 */
@Command(name = "release", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Publishes a model bundle as a release: copies it to <store>/<name>/<version>, verified,",
        "and writes a ModelRelease (file: URI, manifest SHA-256, validation metrics) to the releases topic."})
final class ReleaseCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "The bundle to release.")
  Path model;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "Release store directory every instance can read.")
  Path store;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap = "127.0.0.1:9092";

  @Option(names = "--topic", description = "Releases topic.")
  String topic = Topics.MODEL_RELEASES;

  @Option(names = "--parent", paramLabel = "VERSION", description = "The version this one replaces, for the record.")
  String parent;

  @Override
  public Integer call() throws Exception {
    BundleInfo info = ModelBundle.load(model).info();
    Path target = store.resolve(info.name()).resolve(info.version()).toAbsolutePath();
    String digest;
    if (Files.exists(target.resolve(ModelBundle.MANIFEST_FILE))) {
      digest = ModelBundle.digest(target);
      if (!digest.equals(ModelBundle.digest(model))) {
        throw new IllegalStateException(target + " already holds a different bundle for " + info.name() + " "
            + info.version() + "; release under a new version (trainer train --model-version)");
      }
    } else {
      digest = ModelBundle.copy(model, target);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("mean_roc_auc", info.provenance().validation().meanRocAuc());
    metrics.put("mean_pr_auc", info.provenance().validation().meanPrAuc());
    for (LabelMetrics m : info.provenance().validation().labels()) {
      metrics.put("roc_auc." + m.label(), m.rocAuc());
    }
    ModelRelease release = ModelRelease.newBuilder()
        .setModelName(info.name())
        .setVersion(info.version())
        .setBundleUri(target.toUri().toString())
        .setBundleSha256(digest)
        .setMetrics(metrics)
        .setParentVersion(parent)
        .setCreatedAt(Instant.now())
        .build();
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, ModelRelease> producer =
        new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(ModelRelease.class))) {
      producer.send(new ProducerRecord<>(topic, info.name(), release)).get();
    }
    System.out.println("released " + info.name() + " " + info.version() + " (" + target.toUri() + ", sha256 " + digest + ")");
    return 0;
  }
}
