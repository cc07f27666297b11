package io.modstream.trainer;

import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.SigningKey;
import io.modstream.schemas.Topics;
import io.modstream.trainer.retrain.ReleaseStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trainer release}: copies a verified bundle into the release store and publishes a {@link
 * ModelRelease} for it, which every running streams-app instance follows and swaps to.
 */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Publishes a model bundle as a release: copies it to <store>/<name>/<version>, verified,",
      "and writes a ModelRelease (file: URI, manifest SHA-256, validation metrics) to the releases"
          + " topic."
    })
final class ReleaseCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "The bundle to release.")
  Path model;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "DIR",
      description = "Release store directory every instance can read.")
  Path store;

  @Mixin KafkaOptions kafka;

  @Option(names = "--topic", description = "Releases topic.")
  String topic = Topics.MODEL_RELEASES.name();

  @Option(
      names = "--parent",
      paramLabel = "VERSION",
      description = "The version this one replaces, for the record.")
  String parent;

  @Option(
      names = "--bundle-topic",
      paramLabel = "TOPIC",
      description =
          "Also carry the bundle through this Kafka topic (kafka: URI) for hosts without the store"
              + " directory.")
  String bundleTopic;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Sign the release with this private key (from 'trainer keys generate'); instances that"
              + " list its public key in model.trusted.keys accept it.")
  Path signingKey;

  @Override
  public Integer call() throws Exception {
    ModelRelease r =
        new ReleaseStore(
                store,
                kafka.connection(),
                topic,
                bundleTopic,
                signingKey == null ? null : SigningKey.read(signingKey))
            .release(model, parent);
    System.out.println(
        "released "
            + r.getModelName()
            + " "
            + r.getVersion()
            + " ("
            + r.getBundleUri()
            + ", sha256 "
            + r.getBundleSha256()
            + (r.getKeyId() == null ? ", unsigned" : ", signed by key " + r.getKeyId())
            + ")");
    return 0;
  }
}
