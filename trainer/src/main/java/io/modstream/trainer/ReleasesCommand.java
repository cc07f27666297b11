package io.modstream.trainer;

import io.modstream.model.BundleInfo;
import io.modstream.model.ModelBundle;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.SigningKey;
import io.modstream.schemas.Topics;
import io.modstream.trainer.retrain.ReleaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trainer releases list|pin|rollback}: what is stored and served, and operator control.
 * Pinning or rolling back republishes a stored version as the current release, so every running
 * instance swaps to it exactly as to a new release.
 */
@Command(
    name = "releases",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "list: the versions in the store and the one currently released.",
      "pin VERSION: release a stored version again (every instance swaps to it).",
      "rollback: release the current release's parent version again."
    })
final class ReleasesCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "list, pin or rollback")
  String action;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VERSION",
      description = "The version to pin.")
  String version;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "DIR",
      description = "Release store directory.")
  Path store;

  @Option(names = "--model-name", description = "Model name.")
  String modelName = "toxicity-bilstm";

  @Mixin KafkaOptions kafka;

  @Option(names = "--topic", description = "Releases topic.")
  String topic = Topics.MODEL_RELEASES.name();

  @Option(
      names = "--bundle-topic",
      paramLabel = "TOPIC",
      description = "Carry the bundle through Kafka too (kafka: URI).")
  String bundleTopic;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Sign a pinned or rolled-back release with this private key (from 'trainer keys"
              + " generate'); instances that list its public key in model.trusted.keys accept it.")
  Path signingKey;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> connection = kafka.connection();
    ModelRelease current = ModelReleases.latest(connection, topic, modelName);
    ReleaseStore releases =
        new ReleaseStore(
            store,
            connection,
            topic,
            bundleTopic,
            signingKey == null ? null : SigningKey.read(signingKey));
    switch (action) {
      case "list" -> {
        for (Path dir : stored()) {
          BundleInfo info = ModelBundle.load(dir).info();
          boolean live = current != null && current.getVersion().equals(info.version());
          System.out.printf(
              Locale.ROOT,
              "%s %-28s validation mean ROC-AUC %.4f  trained %s%n",
              live ? "*" : " ",
              info.version(),
              info.provenance().validation().meanRocAuc(),
              info.provenance().trainedAt());
        }
        System.out.println(
            current == null
                ? "no current release"
                : "* current release (parent "
                    + current.getParentVersion()
                    + ", published "
                    + current.getCreatedAt()
                    + ")");
      }
      case "pin" -> {
        if (version == null) {
          throw new IllegalArgumentException("pin needs a VERSION; see 'trainer releases list'");
        }
        republish(releases, version, current);
      }
      case "rollback" -> {
        if (current == null || current.getParentVersion() == null) {
          throw new IllegalStateException(
              "the current release has no parent version to roll back to; use 'pin VERSION'");
        }
        republish(releases, current.getParentVersion(), current);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown action '" + action + "'; use list, pin or rollback");
    }
    return 0;
  }

  private void republish(ReleaseStore releases, String target, ModelRelease current)
      throws Exception {
    Path dir = store.resolve(modelName).resolve(target);
    if (!Files.exists(dir.resolve(ModelBundle.MANIFEST_FILE))) {
      throw new IllegalArgumentException(
          "version " + target + " is not in " + store + "; see 'trainer releases list'");
    }
    ModelRelease r = releases.release(dir, current == null ? null : current.getVersion());
    System.out.println(
        "released "
            + r.getModelName()
            + " "
            + r.getVersion()
            + " again; running instances swap to it");
  }

  private List<Path> stored() throws Exception {
    Path dir = store.resolve(modelName);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.exists(p.resolve(ModelBundle.MANIFEST_FILE))).sorted().toList();
    }
  }
}
