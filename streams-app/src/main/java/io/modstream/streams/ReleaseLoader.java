package io.modstream.streams;

import io.modstream.model.InvalidBundleException;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.schemas.BundleTransport;
import io.modstream.schemas.ModelRelease;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a {@link ModelRelease} into a ready {@link ModerationModel}: resolves the bundle, checks
 * that its manifest digest is the one released, loads and verifies it, checks that it scores the
 * labels the running topology routes, and warms it up, so the first real batch does not pay for
 * lazy initialisation. Any failure is an exception and nothing is swapped.
 */
final class ReleaseLoader {

  private static final List<String> WARM_UP =
      List.of("Thanks for fixing the citation.", "you are an idiot", "I will find you", "ok");

  private final List<String> labels;
  private final Function<ModelBundle, ModerationModel> models;
  private final String bootstrapServers;
  private final Path cache;

  /**
   * Creates a loader.
   *
   * @param labels the labels the running topology routes, or null to accept any (first load)
   * @param models builds a servable model from a bundle (engine, replicas, batch size)
   * @param bootstrapServers the cluster, for bundles carried through Kafka
   * @param cache where bundles fetched from Kafka are reassembled
   */
  ReleaseLoader(
      List<String> labels,
      Function<ModelBundle, ModerationModel> models,
      String bootstrapServers,
      Path cache) {
    this.labels = labels == null ? null : List.copyOf(labels);
    this.bootstrapServers = bootstrapServers;
    this.cache = cache;
    this.models = models;
  }

  /**
   * Loads a release.
   *
   * @param release the release record
   * @return the warmed-up model
   * @throws IOException if the bundle cannot be found, does not match the release, or is invalid
   */
  ModerationModel load(ModelRelease release) throws IOException, InterruptedException {
    Path dir = BundleTransport.resolve(bootstrapServers, release.getBundleUri(), cache);
    String digest = ModelBundle.digest(dir);
    if (!digest.equals(release.getBundleSha256())) {
      throw new InvalidBundleException(
          "bundle "
              + dir
              + " has manifest SHA-256 "
              + digest
              + " but release "
              + release.getVersion()
              + " says "
              + release.getBundleSha256()
              + "; refusing it");
    }
    ModelBundle bundle = ModelBundle.load(dir);
    if (!bundle.info().version().equals(release.getVersion())
        || !bundle.info().name().equals(release.getModelName())) {
      throw new InvalidBundleException(
          "bundle "
              + dir
              + " holds "
              + bundle.info().name()
              + " "
              + bundle.info().version()
              + ", not the released "
              + release.getModelName()
              + " "
              + release.getVersion());
    }
    if (labels != null && !bundle.info().labels().equals(labels)) {
      throw new InvalidBundleException(
          "release "
              + release.getVersion()
              + " scores labels "
              + bundle.info().labels()
              + " but this instance routes "
              + labels
              + "; a label change needs a restart with the new model");
    }
    ModerationModel model = models.apply(bundle);
    model.score(WARM_UP);
    return model;
  }
}
