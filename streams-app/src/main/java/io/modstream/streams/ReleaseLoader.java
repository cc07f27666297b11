package io.modstream.streams;

import io.modstream.model.InvalidBundleException;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.schemas.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a {@link ModelRelease} into a ready {@link ModerationModel}: resolves the bundle, checks
 * that its manifest digest is the one released, loads and verifies it, checks that it scores the
 * labels the running topology routes, and warms it up, so the first real batch does not pay for
 * lazy initialisation. Any failure is an exception and nothing is swapped.
 */
final class ReleaseLoader {

  private static final List<String> WARM_UP = List.of(
      "Thanks for fixing the citation.", "you are an idiot", "I will find you", "ok");

  private final List<String> labels;
  private final int replicas;
  private final int batchSize;

  /**
   * Creates a loader.
   *
   * @param labels the labels the running topology routes, or null to accept any (first load)
   * @param replicas scoring replicas
   * @param batchSize most comments per network call
   */
  ReleaseLoader(List<String> labels, int replicas, int batchSize) {
    this.labels = labels == null ? null : List.copyOf(labels);
    this.replicas = replicas;
    this.batchSize = batchSize;
  }

  /**
   * Loads a release.
   *
   * @param release the release record
   * @return the warmed-up model
   * @throws IOException if the bundle cannot be found, does not match the release, or is invalid
   */
  ModerationModel load(ModelRelease release) throws IOException, InterruptedException {
    Path dir = resolve(release.getBundleUri());
    String digest = ModelBundle.digest(dir);
    if (!digest.equals(release.getBundleSha256())) {
      throw new InvalidBundleException("bundle " + dir + " has manifest SHA-256 " + digest + " but release "
          + release.getVersion() + " says " + release.getBundleSha256() + "; refusing it");
    }
    ModelBundle bundle = ModelBundle.load(dir);
    if (!bundle.info().version().equals(release.getVersion()) || !bundle.info().name().equals(release.getModelName())) {
      throw new InvalidBundleException("bundle " + dir + " holds " + bundle.info().name() + " " + bundle.info().version()
          + ", not the released " + release.getModelName() + " " + release.getVersion());
    }
    if (labels != null && !bundle.info().labels().equals(labels)) {
      throw new InvalidBundleException("release " + release.getVersion() + " scores labels " + bundle.info().labels()
          + " but this instance routes " + labels + "; a label change needs a restart with the new model");
    }
    ModerationModel model = ModerationModel.of(bundle, replicas, batchSize);
    model.score(WARM_UP);
    return model;
  }

  static Path resolve(String uri) throws IOException {
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IOException("bundle URI '" + uri + "' is not a URI", e);
    }
    if (!"file".equals(parsed.getScheme())) {
      throw new IOException("bundle URI '" + uri + "' is not supported; this build reads file: URIs");
    }
    return Path.of(parsed);
  }
}
