package io.modstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.LinearModelFormat;
import io.modstream.model.internal.LstmNetwork;
import io.modstream.model.text.Tokenizer;
import io.modstream.model.text.Vocabulary;
import io.modstream.schemas.SafeFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@link ModelBundle} on disk: a directory of the bundle's files and a manifest with the size and
 * SHA-256 of each, written atomically and verified before anything is parsed.
 */
final class BundleDirectory {

  private static final String MANIFEST_FORMAT = "modstream-model-bundle";
  private static final String MANIFEST_FILE = ModelBundle.MANIFEST_FILE;
  private static final String NETWORK_FILE = ModelBundle.NETWORK_FILE;
  private static final String VOCABULARY_FILE = ModelBundle.VOCABULARY_FILE;
  private static final String LINEAR_FILE = ModelBundle.LINEAR_FILE;
  private static final String INFO_FILE = ModelBundle.INFO_FILE;
  private static final int FORMAT_VERSION = ModelBundle.FORMAT_VERSION;

  /** A manifest lists a handful of files: anything larger is not one. */
  static final long MAX_MANIFEST_BYTES = 1 << 20;

  /** The largest bundle file read, far above this model's (tens of MB). */
  static final long MAX_FILE_BYTES = 1L << 30;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private BundleDirectory() {}

  /**
   * Writes the bundle into a new directory. Files go to a temporary sibling first, which is then
   * renamed, so readers never see a half-written bundle.
   *
   * @param bundle the bundle
   * @param dir the directory to create; it must not exist or must be empty
   * @return the SHA-256 of the manifest, which identifies the bundle's whole content
   * @throws IOException if the directory is not empty or on write failure
   */
  static String save(ModelBundle bundle, Path dir) throws IOException {
    requireEmpty(dir);
    Map<String, byte[]> files = new LinkedHashMap<>();
    ByteArrayOutputStream networkBytes = new ByteArrayOutputStream(1 << 20);
    bundle.network().write(networkBytes);
    files.put(NETWORK_FILE, networkBytes.toByteArray());
    ByteArrayOutputStream vocabBytes = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(vocabBytes, StandardCharsets.UTF_8)) {
      bundle.vocabulary().write(w);
    }
    files.put(VOCABULARY_FILE, vocabBytes.toByteArray());
    if (bundle.linear() != null) {
      ByteArrayOutputStream linearBytes = new ByteArrayOutputStream(1 << 20);
      LinearModelFormat.write(bundle.linear(), linearBytes);
      files.put(LINEAR_FILE, linearBytes.toByteArray());
    }
    files.put(INFO_FILE, JSON.writeValueAsBytes(bundle.info()));

    Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
    files.forEach(
        (name, bytes) ->
            entries.put(name, new Manifest.Entry(bytes.length, SafeFiles.sha256(bytes))));
    byte[] manifest =
        JSON.writeValueAsBytes(
            new Manifest(MANIFEST_FORMAT, bundle.info().formatVersion(), entries));

    files.put(MANIFEST_FILE, manifest);
    SafeFiles.writeDirectory(dir, files, MANIFEST_FILE);
    return SafeFiles.sha256(manifest);
  }

  /**
   * Copies a verified bundle into a new directory (for example a release store), atomically.
   *
   * @param source a bundle directory
   * @param target the directory to create; it must not exist or must be empty
   * @return the SHA-256 of the manifest, equal to the source's
   * @throws IOException if the source is invalid (see {@link #load(Path)}) or on write failure
   */
  static String copy(Path source, Path target) throws IOException {
    Verified verified = verify(source);
    Map<String, byte[]> files = new LinkedHashMap<>(verified.files());
    byte[] manifest = verified.manifest();
    files.put(MANIFEST_FILE, manifest);
    requireEmpty(target);
    SafeFiles.writeDirectory(target, files, MANIFEST_FILE);
    return SafeFiles.sha256(manifest);
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
   * @param dir a directory written by {@link #save}
   * @return the bundle
   * @throws InvalidBundleException if the bundle is missing, incomplete, truncated, altered or of
   *     an unsupported version; the message names the file and the fix
   * @throws IOException on other read failures
   */
  static ModelBundle load(Path dir) throws IOException {
    return parse(dir, verify(dir).files());
  }

  /**
   * Reads and verifies a bundle directory whose manifest must have a given SHA-256. The manifest is
   * read once, and the files checked against it are the bytes parsed, so a bundle changed between
   * the check and the load is never served.
   *
   * @param dir a directory written by {@link #save}
   * @param manifestSha256 the expected SHA-256 of its manifest, in hex
   * @return the bundle
   * @throws InvalidBundleException as {@link #load(Path)}, or if the manifest's digest differs
   * @throws IOException on other read failures
   */
  static ModelBundle load(Path dir, String manifestSha256) throws IOException {
    Verified verified = verify(dir);
    String actual = SafeFiles.sha256(verified.manifest());
    if (!actual.equals(manifestSha256)) {
      throw new InvalidBundleException(
          dir
              + ": "
              + MANIFEST_FILE
              + " has SHA-256 "
              + actual
              + ", not the expected "
              + manifestSha256
              + "; this is another bundle than the one released, refusing it");
    }
    return parse(dir, verified.files());
  }

  private static ModelBundle parse(Path dir, Map<String, byte[]> files) throws IOException {
    BundleInfo info;
    try {
      info = JSON.readValue(files.get(INFO_FILE), BundleInfo.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidBundleException(
          dir + ": " + INFO_FILE + " is not a valid bundle description: " + e.getMessage(), e);
    }
    if (info.formatVersion() != manifestVersion(files)) {
      throw new InvalidBundleException(
          dir
              + ": "
              + INFO_FILE
              + " says format "
              + info.formatVersion()
              + " but the manifest says "
              + manifestVersion(files)
              + "; the bundle was altered, re-copy it");
    }
    if ((info.formatVersion() >= 2) != (info.calibration() != null)) {
      throw new InvalidBundleException(
          dir
              + ": a format "
              + info.formatVersion()
              + " bundle must "
              + (info.formatVersion() >= 2 ? "" : "not ")
              + "have a calibration in "
              + INFO_FILE);
    }
    if (info.tokenizerScheme() != Tokenizer.WORDPIECE_SCHEME) {
      try {
        Tokenizer.forScheme(info.tokenizerScheme());
      } catch (IllegalArgumentException e) {
        throw new InvalidBundleException(dir + ": " + e.getMessage(), e);
      }
    }
    Vocabulary vocabulary;
    try {
      vocabulary =
          Vocabulary.read(
              new StringReader(new String(files.get(VOCABULARY_FILE), StandardCharsets.UTF_8)));
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
   * Returns the SHA-256 of a saved bundle's manifest after verifying the bundle; the manifest holds
   * every file's digest, so this identifies the whole bundle.
   *
   * @param dir a bundle directory
   * @return the digest in hex
   * @throws IOException as {@link #load(Path)} does
   */
  static String digest(Path dir) throws IOException {
    return SafeFiles.sha256(verify(dir).manifest());
  }

  /** A manifest's bytes and the files it lists, each checked against it. */
  private record Verified(byte[] manifest, Map<String, byte[]> files) {}

  private static Verified verify(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidBundleException(
          dir + " is not a directory; pass the directory a trainer wrote with --out");
    }
    Path manifestFile = dir.resolve(MANIFEST_FILE);
    Manifest manifest;
    byte[] manifestBytes;
    try {
      if (Files.size(manifestFile) > MAX_MANIFEST_BYTES) {
        throw new InvalidBundleException(
            dir
                + ": "
                + MANIFEST_FILE
                + " has "
                + Files.size(manifestFile)
                + " bytes, over the "
                + MAX_MANIFEST_BYTES
                + " a manifest may have; not a model bundle");
      }
      manifestBytes = Files.readAllBytes(manifestFile);
      manifest = JSON.readValue(manifestBytes, Manifest.class);
    } catch (NoSuchFileException e) {
      throw new InvalidBundleException(
          dir + " has no " + MANIFEST_FILE + ": not a model bundle, or an incomplete copy");
    } catch (JsonProcessingException e) {
      throw new InvalidBundleException(
          dir
              + ": "
              + MANIFEST_FILE
              + " is corrupt ("
              + e.getOriginalMessage()
              + "); re-copy the bundle",
          e);
    }
    if (!MANIFEST_FORMAT.equals(manifest.format()) || manifest.files() == null) {
      throw new InvalidBundleException(
          dir + ": " + MANIFEST_FILE + " is not a modstream bundle manifest");
    }
    if (manifest.formatVersion() < 1 || manifest.formatVersion() > FORMAT_VERSION) {
      throw new InvalidBundleException(
          dir
              + ": bundle format "
              + manifest.formatVersion()
              + " is not supported (this build reads 1 to "
              + FORMAT_VERSION
              + "); retrain or upgrade modstream");
    }
    Map<String, byte[]> contents = new LinkedHashMap<>();
    String[] requiredFiles =
        manifest.formatVersion() >= 2
            ? new String[] {NETWORK_FILE, LINEAR_FILE, VOCABULARY_FILE, INFO_FILE}
            : new String[] {NETWORK_FILE, VOCABULARY_FILE, INFO_FILE};
    for (String required : requiredFiles) {
      Manifest.Entry entry = manifest.files().get(required);
      if (entry == null) {
        throw new InvalidBundleException(
            dir
                + ": "
                + MANIFEST_FILE
                + " does not list "
                + required
                + "; the bundle is incomplete");
      }
      if (entry.bytes() < 0 || entry.bytes() > MAX_FILE_BYTES) {
        throw new InvalidBundleException(
            dir
                + ": "
                + MANIFEST_FILE
                + " lists "
                + required
                + " with "
                + entry.bytes()
                + " bytes, over the "
                + MAX_FILE_BYTES
                + " a bundle file may have; refusing the bundle");
      }
      Path file = dir.resolve(required);
      if (!Files.isRegularFile(file)) {
        throw new InvalidBundleException(
            dir + ": " + required + " is missing; the bundle is incomplete, re-copy it");
      }
      // The size is checked before the file is read: an oversized file is never loaded.
      long size = Files.size(file);
      if (size != entry.bytes()) {
        throw new InvalidBundleException(
            dir
                + ": "
                + required
                + " has "
                + size
                + " bytes but the manifest says "
                + entry.bytes()
                + (size < entry.bytes() ? "; the file is truncated" : "; the file was modified")
                + ", re-copy the bundle");
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != entry.bytes()) {
        throw new InvalidBundleException(
            dir + ": " + required + " changed while it was read; re-copy the bundle");
      }
      String actual = SafeFiles.sha256(bytes);
      if (!actual.equals(entry.sha256())) {
        throw new InvalidBundleException(
            dir
                + ": "
                + required
                + " has SHA-256 "
                + actual
                + " but the manifest says "
                + entry.sha256()
                + "; the file was altered or corrupted, re-copy the bundle");
      }
      contents.put(required, bytes);
    }
    return new Verified(manifestBytes, contents);
  }

  /** The checksum manifest's JSON shape. */
  record Manifest(String format, int formatVersion, Map<String, Entry> files) {
    record Entry(long bytes, String sha256) {}
  }
}
