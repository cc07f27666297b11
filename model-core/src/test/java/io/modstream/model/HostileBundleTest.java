package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.SafeFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles are data, never code: a bundle whose checksums all match (someone rewrote the manifest
 * too) but whose content is hostile is refused with an {@link InvalidBundleException} that names
 * the problem, before anything is deserialized, inflated without bound or read whole.
 */
class HostileBundleTest {

  private static ModelBundle bundle;
  private static Map<String, byte[]> network;

  @BeforeAll
  static void train() throws IOException {
    bundle = TestData.tinyModel().bundle();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bundle.network().write(out);
    network = entries(out.toByteArray());
  }

  /** A payload whose deserialization would be visible: the gadget stand-in. */
  static final class Tripwire implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean deserialized;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      deserialized = true;
    }
  }

  @Test
  void theNetworkFileIsStillTheTwoEntryZipOfBefore() {
    assertThat(network.keySet()).containsExactly("configuration.json", "coefficients.bin");
  }

  @Test
  void aJavaSerializedPreprocessorIsRefusedAndNeverDeserialized(@TempDir Path dir)
      throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(payload)) {
      o.writeObject(new Tripwire());
    }
    Map<String, byte[]> entries = new LinkedHashMap<>(network);
    entries.put("preprocessor.bin", payload.toByteArray());
    Path out = withNetwork(dir, zip(entries));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining(ModelBundle.NETWORK_FILE)
        .hasMessageContaining("unexpected entry 'preprocessor.bin'");
    assertThat(Tripwire.deserialized).as("the payload was never deserialized").isFalse();
  }

  @Test
  void updaterStateOrAnyOtherExtraEntryIsRefused(@TempDir Path dir) throws IOException {
    for (String extra : new String[] {"updaterState.bin", "normalizer.bin", "README", "objects/"}) {
      Map<String, byte[]> entries = new LinkedHashMap<>(network);
      entries.put(extra, new byte[] {1, 2, 3});
      Path out = withNetwork(dir.resolve(Integer.toString(extra.hashCode())), zip(entries));
      assertThatThrownBy(() -> ModelBundle.load(out))
          .as(extra)
          .isInstanceOf(InvalidBundleException.class)
          .hasMessageContaining("unexpected entry '" + extra + "'");
    }
  }

  @Test
  void anEntryNameThatClimbsOutOfTheArchiveIsRefused(@TempDir Path dir) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("../../../../tmp/evil.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
    entries.putAll(network);
    Path out = withNetwork(dir, zip(entries));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("'../../../../tmp/evil.sh'")
        .hasMessageContaining("path traversal");
  }

  @Test
  void aZipBombInTheCoefficientsIsRefusedAtTheSizeTheConfigurationImplies(@TempDir Path dir)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(network);
    // 64 MiB of zeros deflate to about 64 KiB; the network needs about 80 KiB.
    entries.put("coefficients.bin", new byte[64 << 20]);
    byte[] bomb = zip(entries);
    assertThat(bomb.length).isLessThan(1 << 20);
    Path out = withNetwork(dir, bomb);
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("entry 'coefficients.bin' inflates beyond");
  }

  @Test
  void aZipBombInTheConfigurationIsRefused(@TempDir Path dir) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(network);
    byte[] spaces = new byte[8 << 20];
    java.util.Arrays.fill(spaces, (byte) ' ');
    entries.put("configuration.json", spaces);
    Path out = withNetwork(dir, zip(entries));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("entry 'configuration.json' inflates beyond 4194304 bytes");
  }

  @Test
  void aConfigurationNamingAForeignClassIsRefused(@TempDir Path dir) throws IOException {
    String json = new String(network.get("configuration.json"), StandardCharsets.UTF_8);
    assertThat(json).contains("org.nd4j.linalg.activations.impl.ActivationReLU");
    Map<String, byte[]> entries = new LinkedHashMap<>(network);
    entries.put(
        "configuration.json",
        json.replace("org.nd4j.linalg.activations.impl.ActivationReLU", "com.example.Gadget")
            .getBytes(StandardCharsets.UTF_8));
    Path out = withNetwork(dir, zip(entries));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("names class 'com.example.Gadget'");
  }

  @Test
  void malformedJsonIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(network);
    entries.put("configuration.json", "{\"vertices\": [".getBytes(StandardCharsets.UTF_8));
    Path config = withNetwork(dir.resolve("config"), zip(entries));
    assertThatThrownBy(() -> ModelBundle.load(config))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("configuration.json is not valid JSON");

    Path info = saved(dir.resolve("info"));
    rewrite(
        info,
        ModelBundle.INFO_FILE,
        "{\"name\": 7, \"labels\": {".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ModelBundle.load(info))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining(ModelBundle.INFO_FILE)
        .hasMessageContaining("not a valid bundle description");

    Path manifest = saved(dir.resolve("manifest"));
    Files.writeString(manifest.resolve(ModelBundle.MANIFEST_FILE), "[1, 2, }");
    assertThatThrownBy(() -> ModelBundle.load(manifest))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("manifest.json is corrupt");
  }

  @Test
  void coefficientsThatDoNotFitTheConfigurationAreRefused(@TempDir Path dir) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>(network);
    byte[] coefficients = network.get("coefficients.bin");
    // Drop the last value and shorten the data buffer's declared length to match.
    byte[] shorter = java.util.Arrays.copyOf(coefficients, coefficients.length - 4);
    Path truncated = withNetwork(dir.resolve("truncated"), zip(withEntry(entries, shorter)));
    assertThatThrownBy(() -> ModelBundle.load(truncated))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("coefficients.bin is truncated");
    byte[] longer = java.util.Arrays.copyOf(coefficients, coefficients.length + 16);
    Path padded = withNetwork(dir.resolve("padded"), zip(withEntry(entries, longer)));
    assertThatThrownBy(() -> ModelBundle.load(padded))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("16 bytes past its end");
  }

  @Test
  void entriesOutOfOrderOrMissingAreRefused(@TempDir Path dir) throws IOException {
    Map<String, byte[]> reversed = new LinkedHashMap<>();
    reversed.put("coefficients.bin", network.get("coefficients.bin"));
    reversed.put("configuration.json", network.get("configuration.json"));
    Path out = withNetwork(dir.resolve("reversed"), zip(reversed));
    assertThatThrownBy(() -> ModelBundle.load(out)).hasMessageContaining("out of order");
    Path empty = withNetwork(dir.resolve("empty"), zip(Map.of()));
    assertThatThrownBy(() -> ModelBundle.load(empty))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("lacks configuration.json");
  }

  @Test
  void anOversizedFileIsRefusedWithoutBeingRead(@TempDir Path dir) throws IOException {
    // Sparse files: the sizes are real to the file system but cost no disk or memory, so a bundle
    // reader that read them whole would fail with OutOfMemoryError instead.
    Path listed = saved(dir.resolve("listed"));
    sparse(listed.resolve(ModelBundle.VOCABULARY_FILE), (1L << 30) + 1);
    setManifestEntry(listed, ModelBundle.VOCABULARY_FILE, (1L << 30) + 1, "00");
    assertThatThrownBy(() -> ModelBundle.load(listed))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("lists vocabulary.txt with 1073741825 bytes, over the 1073741824");

    Path grown = saved(dir.resolve("grown"));
    sparse(grown.resolve(ModelBundle.NETWORK_FILE), 3L << 30);
    assertThatThrownBy(() -> ModelBundle.load(grown))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("network.zip has 3221225472 bytes but the manifest says")
        .hasMessageContaining("modified");

    Path manifest = saved(dir.resolve("manifest"));
    sparse(manifest.resolve(ModelBundle.MANIFEST_FILE), 2L << 30);
    assertThatThrownBy(() -> ModelBundle.load(manifest))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("manifest.json has 2147483648 bytes, over the 1048576");
  }

  @Test
  void aBundleLoadsOnlyUnderItsOwnDigest(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("bundle");
    String digest = bundle.save(out);
    assertThat(ModelBundle.load(out, digest).info()).isEqualTo(bundle.info());
    assertThatThrownBy(() -> ModelBundle.load(out, "00".repeat(32)))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("not the expected " + "00".repeat(32))
        .hasMessageContaining("another bundle than the one released");
  }

  private static Map<String, byte[]> withEntry(Map<String, byte[]> entries, byte[] coefficients) {
    Map<String, byte[]> copy = new LinkedHashMap<>(entries);
    copy.put("coefficients.bin", coefficients);
    return copy;
  }

  private static Path saved(Path dir) throws IOException {
    bundle.save(dir);
    return dir;
  }

  /** A saved bundle whose network.zip is replaced, the manifest rewritten to match. */
  private static Path withNetwork(Path dir, byte[] zip) throws IOException {
    saved(dir);
    rewrite(dir, ModelBundle.NETWORK_FILE, zip);
    return dir;
  }

  private static void rewrite(Path dir, String file, byte[] bytes) throws IOException {
    Files.write(dir.resolve(file), bytes);
    setManifestEntry(dir, file, bytes.length, SafeFiles.sha256(bytes));
  }

  private static void setManifestEntry(Path dir, String file, long bytes, String sha)
      throws IOException {
    Path manifest = dir.resolve(ModelBundle.MANIFEST_FILE);
    ObjectNode tree = (ObjectNode) BundleDirectory.JSON.readTree(Files.readAllBytes(manifest));
    ObjectNode entry = (ObjectNode) tree.get("files").get(file);
    entry.put("bytes", bytes);
    entry.put("sha256", sha);
    Files.write(manifest, BundleDirectory.JSON.writeValueAsBytes(tree));
  }

  private static void sparse(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  static Map<String, byte[]> entries(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }
}
