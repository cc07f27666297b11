package io.modstream.trainer.retrain;

import io.modstream.model.BundleInfo;
import io.modstream.model.ModelBundle;
import io.modstream.model.evaluation.LabelMetrics;
import io.modstream.schemas.BundleTransport;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The local-directory release store ({@code <store>/<name>/<version>}, one verified bundle each)
 * and publication of its {@link ModelRelease} records, signed when the store has a signing key.
 */
public final class ReleaseStore {

  private final Path root;
  private final Map<String, ?> connection;
  private final String topic;
  private final String bundleTopic;
  private final SigningKey signingKey;

  /**
   * Creates a store.
   *
   * @param root the store directory every instance can read
   * @param bootstrapServers the cluster
   * @param topic the releases topic
   */
  public ReleaseStore(Path root, String bootstrapServers, String topic) {
    this(root, bootstrapServers, topic, null);
  }

  /**
   * Creates a store that also carries each bundle through Kafka ({@link BundleTransport}), for
   * instances without access to {@code root}.
   *
   * @param root the local store directory
   * @param bootstrapServers the cluster
   * @param topic the releases topic
   * @param bundleTopic the chunk topic, or null to release {@code file:} URIs only
   */
  public ReleaseStore(Path root, String bootstrapServers, String topic, String bundleTopic) {
    this(root, bootstrapServers, topic, bundleTopic, null);
  }

  /**
   * Creates a store that signs every release it publishes.
   *
   * @param root the local store directory
   * @param bootstrapServers the cluster
   * @param topic the releases topic
   * @param bundleTopic the chunk topic, or null to release {@code file:} URIs only
   * @param signingKey the key that signs each release, or null to publish unsigned releases
   */
  public ReleaseStore(
      Path root, String bootstrapServers, String topic, String bundleTopic, SigningKey signingKey) {
    this(root, ModelReleases.connection(bootstrapServers), topic, bundleTopic, signingKey);
  }

  /**
   * Creates a store that signs every release it publishes, on a cluster whose clients need security
   * settings.
   *
   * @param root the local store directory
   * @param connection the cluster's connection settings ({@code bootstrap.servers}, security)
   * @param topic the releases topic
   * @param bundleTopic the chunk topic, or null to release {@code file:} URIs only
   * @param signingKey the key that signs each release, or null to publish unsigned releases
   */
  public ReleaseStore(
      Path root,
      Map<String, ?> connection,
      String topic,
      String bundleTopic,
      SigningKey signingKey) {
    this.root = root.toAbsolutePath();
    this.connection = Map.copyOf(connection);
    this.topic = topic;
    this.bundleTopic = bundleTopic;
    this.signingKey = signingKey;
  }

  /**
   * Copies a bundle directory into the store (or reuses an identical copy) and publishes it.
   *
   * @param bundleDir the bundle
   * @param parentVersion the version it replaces, or null
   * @return the published release
   * @throws IOException if the bundle is invalid or a different bundle holds its version
   * @throws ExecutionException if the broker refuses the release
   * @throws InterruptedException if interrupted
   */
  public ModelRelease release(Path bundleDir, String parentVersion)
      throws IOException, ExecutionException, InterruptedException {
    BundleInfo info = ModelBundle.load(bundleDir).info();
    Path target = root.resolve(info.name()).resolve(info.version());
    String digest;
    if (Files.exists(target.resolve(ModelBundle.MANIFEST_FILE))) {
      digest = ModelBundle.digest(target);
      if (!digest.equals(ModelBundle.digest(bundleDir))) {
        throw new IOException(
            target
                + " already holds a different bundle for "
                + info.name()
                + " "
                + info.version()
                + "; release under a new version (trainer train --model-version)");
      }
    } else {
      digest = ModelBundle.copy(bundleDir, target);
    }
    return publish(info, target, digest, parentVersion);
  }

  /**
   * Saves an in-memory bundle into the store and publishes it.
   *
   * @param bundle the bundle
   * @param parentVersion the version it replaces, or null
   * @return the published release
   * @throws IOException on write failure
   * @throws ExecutionException if the broker refuses the release
   * @throws InterruptedException if interrupted
   */
  public ModelRelease release(ModelBundle bundle, String parentVersion)
      throws IOException, ExecutionException, InterruptedException {
    Path target = root.resolve(bundle.info().name()).resolve(bundle.info().version());
    String digest = bundle.save(target);
    return publish(bundle.info(), target, digest, parentVersion);
  }

  private ModelRelease publish(BundleInfo info, Path target, String digest, String parentVersion)
      throws IOException, ExecutionException, InterruptedException {
    String uri =
        bundleTopic == null
            ? target.toUri().toString()
            : BundleTransport.publish(connection, bundleTopic, target, info.name(), info.version());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("mean_roc_auc", info.provenance().validation().meanRocAuc());
    metrics.put("mean_pr_auc", info.provenance().validation().meanPrAuc());
    for (LabelMetrics m : info.provenance().validation().labels()) {
      metrics.put("roc_auc." + m.label(), m.rocAuc());
    }
    ModelRelease release =
        ModelRelease.newBuilder()
            .setModelName(info.name())
            .setVersion(info.version())
            .setBundleUri(uri)
            .setBundleSha256(digest)
            .setMetrics(metrics)
            .setParentVersion(parentVersion)
            .setCreatedAt(Instant.now())
            .build();
    if (signingKey != null) {
      release = signingKey.sign(release);
    }
    ModelReleases.publish(connection, topic, release);
    return release;
  }

  /**
   * Loads the bundle a release points at, verifying it against the released digest.
   *
   * @param release a release
   * @return the bundle
   * @throws IOException if it cannot be read or does not match
   */
  public ModelBundle load(ModelRelease release) throws IOException {
    Path dir =
        BundleTransport.resolve(connection, release.getBundleUri(), root.resolve(".fetched"));
    return ModelBundle.load(dir, release.getBundleSha256());
  }
}
