package io.modstream.model;

import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.LstmNetwork;
import io.modstream.model.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A trained model as one immutable value: network weights, linear model, vocabulary, tokenizer
 * scheme, labels, calibration, thresholds and provenance. On disk it is a directory holding {@value
 * #NETWORK_FILE}, {@value #LINEAR_FILE} (format 2), {@value #VOCABULARY_FILE}, {@value #INFO_FILE}
 * and a {@value #MANIFEST_FILE} with the size and SHA-256 of each; {@link #load(Path)} verifies all
 * of them before it parses anything, so a truncated or tampered bundle is refused with a message
 * naming the file. Other files in the directory (such as evaluation reports) are ignored. Every
 * file is read as data (no Java deserialization) under a size limit, so a bundle from an untrusted
 * place can at worst be refused.
 */
public final class ModelBundle {

  /**
   * The layout version written by this build: 2 adds the linear model and the calibration. Format 1
   * bundles (network only) still load and serve.
   */
  public static final int FORMAT_VERSION = 2;

  /** The checksum manifest. */
  public static final String MANIFEST_FILE = "manifest.json";

  /** The DL4J network (configuration and weights). */
  public static final String NETWORK_FILE = "network.zip";

  /** The vocabulary, one token per line. */
  public static final String VOCABULARY_FILE = "vocabulary.txt";

  /** The linear model (format 2). */
  public static final String LINEAR_FILE = "linear.bin";

  /** The {@link BundleInfo} as JSON. */
  public static final String INFO_FILE = "bundle.json";

  private final BundleInfo info;
  private final Vocabulary vocabulary;
  private final LstmNetwork network;
  private final LinearModel linear;

  /**
   * Assembles a bundle from trained parts (the trainer's side of the engine).
   *
   * @param info the description
   * @param vocabulary the vocabulary
   * @param network the trained network
   * @param linear the linear model, or null for a format 1 bundle
   */
  public ModelBundle(
      BundleInfo info, Vocabulary vocabulary, LstmNetwork network, LinearModel linear) {
    this.info = Objects.requireNonNull(info, "info");
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.network = Objects.requireNonNull(network, "network");
    if ((linear == null) != (info.calibration() == null)) {
      throw new IllegalArgumentException(
          "a bundle has both a linear model and a calibration, or neither");
    }
    if (linear != null && linear.labels() != info.labels().size()) {
      throw new IllegalArgumentException(
          "the linear model scores "
              + linear.labels()
              + " labels, the bundle has "
              + info.labels().size());
    }
    this.linear = linear;
  }

  /**
   * Returns the linear model (the engine's side of the bundle).
   *
   * @return the linear model, or null for a format 1 bundle
   */
  public LinearModel linear() {
    return linear;
  }

  /**
   * Returns what the bundle says about its model.
   *
   * @return the info
   */
  public BundleInfo info() {
    return info;
  }

  /**
   * Returns the vocabulary.
   *
   * @return the vocabulary
   */
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * Returns the number of trainable parameters.
   *
   * @return the parameter count
   */
  public long parameterCount() {
    return network.parameterCount();
  }

  /**
   * Returns this bundle scoring with its network alone: the blend gives the network all the weight
   * (per-label Platt scaling, which keeps the order of scores, stays). For measuring what the LSTM
   * contributes; thresholds were tuned for the blend.
   *
   * @return the network-only bundle (this one is unchanged), or this bundle when it has no blend
   */
  public ModelBundle networkOnly() {
    ScoreCalibration c = info.calibration();
    return c == null
        ? this
        : with(info.version(), new ScoreCalibration(1.0, c.slopes(), c.intercepts()));
  }

  /**
   * Returns this bundle under another version: the same weights, vocabulary, thresholds,
   * calibration and provenance. For releasing the same model again, for example to measure a hot
   * swap without training a second one.
   *
   * @param version the new version, not blank
   * @return the re-versioned bundle (this one is unchanged)
   */
  public ModelBundle withVersion(String version) {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("a bundle version must not be blank");
    }
    return with(version, info.calibration());
  }

  /**
   * Returns the bundle's network, read-only: for exporting its weights to another engine.
   *
   * @return the network
   */
  public LstmNetwork network() {
    return network;
  }

  /**
   * Returns a fresh copy of the network for one scoring or training thread (the engine's side).
   *
   * @return the copy
   */
  public LstmNetwork newNetwork() {
    return network.copy();
  }

  /**
   * Writes the bundle into a new directory. Files go to a temporary sibling first, which is then
   * renamed, so readers never see a half-written bundle.
   *
   * @param dir the directory to create; it must not exist or must be empty
   * @return the SHA-256 of the manifest, which identifies the bundle's whole content
   * @throws IOException if the directory is not empty or on write failure
   */
  public String save(Path dir) throws IOException {
    return BundleDirectory.save(this, dir);
  }

  /**
   * Copies a verified bundle into a new directory (for example a release store), atomically.
   *
   * @param source a bundle directory
   * @param target the directory to create; it must not exist or must be empty
   * @return the SHA-256 of the manifest, equal to the source's
   * @throws IOException if the source is invalid (see {@link #load(Path)}) or on write failure
   */
  public static String copy(Path source, Path target) throws IOException {
    return BundleDirectory.copy(source, target);
  }

  /**
   * Reads and verifies a bundle directory.
   *
   * @param dir a directory written by {@link #save(Path)}
   * @return the bundle
   * @throws InvalidBundleException if the bundle is missing, incomplete, truncated, altered or of
   *     an unsupported version; the message names the file and the fix
   * @throws IOException on other read failures
   */
  public static ModelBundle load(Path dir) throws IOException {
    return BundleDirectory.load(dir);
  }

  /**
   * Reads and verifies a bundle directory that must be a given bundle: its manifest's SHA-256 (see
   * {@link #digest(Path)}) must equal {@code manifestSha256}. The manifest is read once and the
   * bytes checked against it are the bytes parsed, so a directory changed meanwhile is refused, not
   * served.
   *
   * @param dir a directory written by {@link #save(Path)}
   * @param manifestSha256 the expected manifest digest, for example a release's bundle_sha256
   * @return the bundle
   * @throws InvalidBundleException as {@link #load(Path)} does, or if the digest differs
   * @throws IOException on other read failures
   */
  public static ModelBundle load(Path dir, String manifestSha256) throws IOException {
    return BundleDirectory.load(dir, manifestSha256);
  }

  /**
   * Returns the SHA-256 of a saved bundle's manifest after verifying the bundle; the manifest holds
   * every file's digest, so this identifies the whole bundle.
   *
   * @param dir a bundle directory
   * @return the digest in hex
   * @throws IOException as {@link #load(Path)} does
   */
  public static String digest(Path dir) throws IOException {
    return BundleDirectory.digest(dir);
  }

  /** The same weights under another version and calibration, everything else as it is. */
  private ModelBundle with(String version, ScoreCalibration calibration) {
    BundleInfo i = info;
    return new ModelBundle(
        new BundleInfo(
            i.formatVersion(),
            i.name(),
            version,
            i.labels(),
            i.thresholds(),
            i.tokenizerScheme(),
            i.maxLength(),
            i.provenance(),
            calibration),
        vocabulary,
        network,
        linear);
  }
}
