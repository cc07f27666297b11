package io.modstream.streams;

import io.modstream.model.InvalidBundleException;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.schemas.BundleTransport;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.TrustedKeys;
import io.modstream.schemas.UntrustedReleaseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link ModelRelease} into a ready {@link ModerationModel}: checks the release's signature
 * against the trusted keys before anything is fetched, resolves the bundle, checks that its
 * manifest digest is the one released and loads it in the same read, checks that it scores the
 * labels the running topology routes, and warms it up, so the first real batch does not pay for
 * lazy initialisation. Any failure is an exception and nothing is swapped.
 */
final class ReleaseLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseLoader.class);

  private static final List<String> WARM_UP =
      List.of("Thanks for fixing the citation.", "you are an idiot", "I will find you", "ok");

  private final List<String> labels;
  private final Function<ModelBundle, ModerationModel> models;
  private final Map<String, ?> connection;
  private final Path cache;
  private final TrustedKeys trusted;
  private final boolean signatureRequired;

  /**
   * Creates a loader.
   *
   * @param labels the labels the running topology routes, or null to accept any (first load)
   * @param models builds a servable model from a bundle (engine, replicas, batch size)
   * @param connection the cluster's connection settings, for bundles carried through Kafka
   * @param cache where bundles fetched from Kafka are reassembled
   * @param trusted the keys whose signatures are accepted; empty: releases are not verified
   * @param signatureRequired whether unsigned releases are refused (with trusted keys only)
   */
  ReleaseLoader(
      List<String> labels,
      Function<ModelBundle, ModerationModel> models,
      Map<String, ?> connection,
      Path cache,
      TrustedKeys trusted,
      boolean signatureRequired) {
    this.labels = labels == null ? null : List.copyOf(labels);
    this.connection = connection;
    this.cache = cache;
    this.models = models;
    this.trusted = trusted;
    this.signatureRequired = signatureRequired && !trusted.isEmpty();
  }

  /**
   * Returns whether releases are checked against trusted keys.
   *
   * @return true with model.trusted.keys set
   */
  boolean verifiesSignatures() {
    return !trusted.isEmpty();
  }

  /**
   * Checks a release's signature, before its bundle is fetched.
   *
   * @param release the release
   * @throws UntrustedReleaseException if it is not signed by a trusted key over its values, or is
   *     unsigned while signatures are required
   */
  void verify(ModelRelease release) throws UntrustedReleaseException {
    if (trusted.isEmpty()) {
      return;
    }
    if (release.getSignature() == null && !signatureRequired) {
      LOG.warn(
          "release {} {} is unsigned; accepting it as model.require.signature=false (sign"
              + " releases with 'trainer release --signing-key FILE', then require signatures)",
          release.getModelName(),
          release.getVersion());
      return;
    }
    trusted.verify(release);
  }

  /**
   * Loads a release.
   *
   * @param release the release record
   * @return the warmed-up model
   * @throws UntrustedReleaseException if the release's signature does not vouch for it
   * @throws IOException if the bundle cannot be found, does not match the release, or is invalid
   */
  ModerationModel load(ModelRelease release) throws IOException, InterruptedException {
    // Signature, then digest, then parsing: a forged release never makes this instance fetch or
    // read a byte of its bundle, and a bundle is parsed only once its digest is the signed one.
    verify(release);
    Path dir = BundleTransport.resolve(connection, release.getBundleUri(), cache);
    ModelBundle bundle = ModelBundle.load(dir, release.getBundleSha256());
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

  /**
   * A release refused when an instance chose what to serve at start.
   *
   * @param version the refused release's version
   * @param reason why, as the loader's exception says it
   * @param untrusted whether its signature was the reason
   */
  record Refusal(String version, String reason, boolean untrusted) {

    @Override
    public String toString() {
      return version + ": " + reason;
    }
  }

  /**
   * What an instance serves at start, and the newer releases it refused on the way.
   *
   * @param release the release served
   * @param model its warmed-up model
   * @param refused the refused releases, newest first
   */
  record Start(ModelRelease release, ModerationModel model, List<Refusal> refused) {
    Start {
      refused = List.copyOf(refused);
    }
  }

  /**
   * Loads the newest release that verifies: a forged or unsigned record, or one whose bundle does
   * not match, must not stop an instance from starting while an older good release is on the topic.
   * With trusted keys, "newest" is by the signed creation time, so an old signed record published
   * again does not win over the release it was superseded by; without them, by topic order.
   *
   * @param history the model's releases, oldest first (see {@code ModelReleases.history})
   * @return the release served and the ones refused, each logged at WARN
   * @throws IllegalArgumentException if {@code history} is empty
   * @throws IllegalStateException if none verifies; the message names the newest one's reason and
   *     the fixes
   * @throws InterruptedException if interrupted
   */
  Start loadNewest(List<ModelRelease> history) throws InterruptedException {
    if (history.isEmpty()) {
      throw new IllegalArgumentException("no releases to choose from");
    }
    List<ModelRelease> newestFirst = new ArrayList<>(history);
    Collections.reverse(newestFirst);
    if (verifiesSignatures()) {
      // stable: records created at the same instant keep their topic order, newest first
      newestFirst.sort(Comparator.comparing(ModelRelease::getCreatedAt).reversed());
    }
    List<Refusal> refused = new ArrayList<>();
    for (ModelRelease release : newestFirst) {
      try {
        ModerationModel model = load(release);
        return new Start(release, model, refused);
      } catch (UntrustedReleaseException e) {
        refused.add(refuse(release, e, true));
      } catch (IOException | IllegalArgumentException | IllegalStateException e) {
        refused.add(refuse(release, e, false));
      }
    }
    String name = history.get(0).getModelName();
    throw new IllegalStateException(
        "none of the "
            + history.size()
            + " releases of '"
            + name
            + "' on the releases topic verifies (newest: "
            + refused.get(0)
            + "); publish one signed by a trusted key ('trainer release --signing-key FILE', or"
            + " 'trainer releases pin VERSION --signing-key FILE' for a stored version), list the"
            + " key that signed them in model.trusted.keys, or set model.path to serve a local"
            + " bundle");
  }

  private static Refusal refuse(ModelRelease release, Exception e, boolean untrusted) {
    LOG.warn(
        "refused release {} {} at start{}; trying the next newest: {}",
        release.getModelName(),
        release.getVersion(),
        untrusted ? " (untrusted, before fetching its bundle)" : "",
        e.getMessage());
    return new Refusal(release.getVersion(), e.getMessage(), untrusted);
  }
}
