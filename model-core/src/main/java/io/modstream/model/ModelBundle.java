package io.modstream.model;

import io.modstream.model.text.Tokenizer;
import io.modstream.model.text.Vocabulary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.LinearModelFormat;
import io.modstream.model.internal.LstmNetwork;
import io.modstream.model.internal.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A trained model as one immutable value: network weights, linear model, vocabulary, tokenizer
 * scheme, labels, calibration, thresholds and provenance. On disk it is a directory holding
 * {@value #NETWORK_FILE}, {@value #LINEAR_FILE} (format 2), {@value #VOCABULARY_FILE}, {@value
 * #INFO_FILE} and a {@value #MANIFEST_FILE} with the size and SHA-256
 * of each; {@link #load(Path)} verifies all of them before it parses anything, so a truncated or
 * tampered bundle is refused with a message naming the file. Other files in the directory (such
 * as evaluation reports) are ignored.
 */
public final class ModelBundle {

  /**
   * The layout version written by this build: 2 adds the linear model and the calibration.
   * Format 1 bundles (network only) still load and serve.
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

  private static final String MANIFEST_FORMAT = "modstream-model-bundle";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
  public ModelBundle(BundleInfo info, Vocabulary vocabulary, LstmNetwork network, LinearModel linear) {
    this.info = Objects.requireNonNull(info, "info");
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.network = Objects.requireNonNull(network, "network");
    if ((linear == null) != (info.calibration() == null)) {
      throw new IllegalArgumentException("a bundle has both a linear model and a calibration, or neither");
    }
    if (linear != null && linear.labels() != info.labels().size()) {
      throw new IllegalArgumentException(
          "the linear model scores " + linear.labels() + " labels, the bundle has " + info.labels().size());
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
    BundleInfo i = info;
    return new ModelBundle(
        new BundleInfo(i.formatVersion(), i.name(), version, i.labels(), i.thresholds(), i.tokenizerScheme(),
            i.maxLength(), i.provenance(), i.calibration()),
        vocabulary, network, linear);
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
    requireEmpty(dir);
    Map<String, byte[]> files = new LinkedHashMap<>();
    ByteArrayOutputStream networkBytes = new ByteArrayOutputStream(1 << 20);
    network.write(networkBytes);
    files.put(NETWORK_FILE, networkBytes.toByteArray());
    ByteArrayOutputStream vocabBytes = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(vocabBytes, StandardCharsets.UTF_8)) {
      vocabulary.write(w);
    }
    files.put(VOCABULARY_FILE, vocabBytes.toByteArray());
    if (linear != null) {
      ByteArrayOutputStream linearBytes = new ByteArrayOutputStream(1 << 20);
      LinearModelFormat.write(linear, linearBytes);
      files.put(LINEAR_FILE, linearBytes.toByteArray());
    }
    files.put(INFO_FILE, JSON.writeValueAsBytes(info));

    Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
    files.forEach((name, bytes) -> entries.put(name, new Manifest.Entry(bytes.length, Sha256.of(bytes))));
    byte[] manifest = JSON.writeValueAsBytes(new Manifest(MANIFEST_FORMAT, info.formatVersion(), entries));

    files.put(MANIFEST_FILE, manifest);
    writeAtomically(dir, files);
    return Sha256.of(manifest);
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
    Map<String, byte[]> files = verify(source);
    byte[] manifest = Files.readAllBytes(source.resolve(MANIFEST_FILE));
    files.put(MANIFEST_FILE, manifest);
    requireEmpty(target);
    writeAtomically(target, files);
    return Sha256.of(manifest);
  }

  /** Writes files into a temporary sibling of {@code dir}, then renames it into place. */
  private static void writeAtomically(Path dir, Map<String, byte[]> files) throws IOException {
    Path absolute = dir.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path tmp = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".tmp");
    try {
      // The manifest goes last: a reader that finds it finds every file it lists.
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        if (!f.getKey().equals(MANIFEST_FILE)) {
          Files.write(tmp.resolve(f.getKey()), f.getValue());
        }
      }
      Files.write(tmp.resolve(MANIFEST_FILE), files.get(MANIFEST_FILE));
      makeReadable(tmp);
      Files.deleteIfExists(absolute);
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute);
      }
    } finally {
      deleteRecursively(tmp);
    }
  }

  private static void requireEmpty(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(
              dir + " is not empty; write the bundle to a new directory or remove this one first");
        }
      }
    } else if (Files.exists(dir)) {
      throw new IOException(dir + " exists and is not a directory");
    }
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
    Map<String, byte[]> files = verify(dir);
    BundleInfo info;
    try {
      info = JSON.readValue(files.get(INFO_FILE), BundleInfo.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidBundleException(dir + ": " + INFO_FILE + " is not a valid bundle description: " + e.getMessage(), e);
    }
    if (info.formatVersion() != manifestVersion(files)) {
      throw new InvalidBundleException(
          dir + ": " + INFO_FILE + " says format " + info.formatVersion() + " but the manifest says "
              + manifestVersion(files) + "; the bundle was altered, re-copy it");
    }
    if ((info.formatVersion() >= 2) != (info.calibration() != null)) {
      throw new InvalidBundleException(
          dir + ": a format " + info.formatVersion() + " bundle must " + (info.formatVersion() >= 2 ? "" : "not ")
              + "have a calibration in " + INFO_FILE);
    }
    try {
      Tokenizer.forScheme(info.tokenizerScheme());
    } catch (IllegalArgumentException e) {
      throw new InvalidBundleException(dir + ": " + e.getMessage(), e);
    }
    Vocabulary vocabulary;
    try {
      vocabulary = Vocabulary.read(new StringReader(new String(files.get(VOCABULARY_FILE), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new InvalidBundleException(dir + ": " + VOCABULARY_FILE + ": " + e.getMessage(), e);
    }
    LstmNetwork network;
    try {
      network = LstmNetwork.read(new ByteArrayInputStream(files.get(NETWORK_FILE)));
    } catch (IOException e) {
      throw new InvalidBundleException(dir + ": " + NETWORK_FILE + ": " + e.getMessage(), e);
    }
    LinearModel linear = null;
    if (info.formatVersion() >= 2) {
      try {
        linear = LinearModelFormat.read(new ByteArrayInputStream(files.get(LINEAR_FILE)));
      } catch (IOException e) {
        throw new InvalidBundleException(dir + ": " + LINEAR_FILE + ": " + e.getMessage(), e);
      }
    }
    try {
      return new ModelBundle(info, vocabulary, network, linear);
    } catch (IllegalArgumentException e) {
      throw new InvalidBundleException(dir + ": " + e.getMessage(), e);
    }
  }

  private static int manifestVersion(Map<String, byte[]> files) {
    return files.containsKey(LINEAR_FILE) ? 2 : 1;
  }

  /**
   * Returns the SHA-256 of a saved bundle's manifest after verifying the bundle; the manifest
   * holds every file's digest, so this identifies the whole bundle.
   *
   * @param dir a bundle directory
   * @return the digest in hex
   * @throws IOException as {@link #load(Path)} does
   */
  public static String digest(Path dir) throws IOException {
    verify(dir);
    return Sha256.of(dir.resolve(MANIFEST_FILE));
  }

  private static Map<String, byte[]> verify(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidBundleException(dir + " is not a directory; pass the directory a trainer wrote with --out");
    }
    Path manifestFile = dir.resolve(MANIFEST_FILE);
    Manifest manifest;
    try {
      manifest = JSON.readValue(Files.readAllBytes(manifestFile), Manifest.class);
    } catch (NoSuchFileException e) {
      throw new InvalidBundleException(dir + " has no " + MANIFEST_FILE + ": not a model bundle, or an incomplete copy");
    } catch (JsonProcessingException e) {
      throw new InvalidBundleException(dir + ": " + MANIFEST_FILE + " is corrupt (" + e.getOriginalMessage() + "); re-copy the bundle", e);
    }
    if (!MANIFEST_FORMAT.equals(manifest.format()) || manifest.files() == null) {
      throw new InvalidBundleException(dir + ": " + MANIFEST_FILE + " is not a modstream bundle manifest");
    }
    if (manifest.formatVersion() < 1 || manifest.formatVersion() > FORMAT_VERSION) {
      throw new InvalidBundleException(
          dir + ": bundle format " + manifest.formatVersion() + " is not supported (this build reads 1 to "
              + FORMAT_VERSION + "); retrain or upgrade modstream");
    }
    Map<String, byte[]> contents = new LinkedHashMap<>();
    String[] requiredFiles = manifest.formatVersion() >= 2
        ? new String[] {NETWORK_FILE, LINEAR_FILE, VOCABULARY_FILE, INFO_FILE}
        : new String[] {NETWORK_FILE, VOCABULARY_FILE, INFO_FILE};
    for (String required : requiredFiles) {
      Manifest.Entry entry = manifest.files().get(required);
      if (entry == null) {
        throw new InvalidBundleException(dir + ": " + MANIFEST_FILE + " does not list " + required + "; the bundle is incomplete");
      }
      Path file = dir.resolve(required);
      if (!Files.isRegularFile(file)) {
        throw new InvalidBundleException(dir + ": " + required + " is missing; the bundle is incomplete, re-copy it");
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != entry.bytes()) {
        throw new InvalidBundleException(
            dir + ": " + required + " has " + bytes.length + " bytes but the manifest says " + entry.bytes()
                + (bytes.length < entry.bytes() ? "; the file is truncated" : "; the file was modified")
                + ", re-copy the bundle");
      }
      String actual = Sha256.of(bytes);
      if (!actual.equals(entry.sha256())) {
        throw new InvalidBundleException(
            dir + ": " + required + " has SHA-256 " + actual + " but the manifest says " + entry.sha256()
                + "; the file was altered or corrupted, re-copy the bundle");
      }
      contents.put(required, bytes);
    }
    return contents;
  }

  /** Temporary directories are created owner-only; a bundle is read by other services too. */
  private static void makeReadable(Path dir) throws IOException {
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The checksum manifest's JSON shape. */
  record Manifest(String format, int formatVersion, Map<String, Entry> files) {
    record Entry(long bytes, String sha256) {}
  }
}
