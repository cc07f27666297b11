package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.data.Partition;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.SafeFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

  static final List<String> FIXED =
      List.of(
          "Thank you for the edit, the article reads much better now.",
          "you are a stupid idiot and I hate you",
          "I will find you and kill you",
          "",
          "\ud83d\ude21\ud83d\ude21 WHAT is WRONG with you?!",
          "Please cite a reliable source for the 1998 figures.");

  private static ModelBundle bundle;
  private static float[][] before;

  @BeforeAll
  static void train() throws InterruptedException {
    bundle = TestData.tinyModel().bundle();
    before = ModerationModel.of(bundle).score(FIXED);
  }

  private static Path saved(Path dir) throws IOException {
    Path out = dir.resolve("bundle");
    bundle.save(out);
    return out;
  }

  @Test
  void loadingGivesTheSameScoresAsBeforeSaving(@TempDir Path dir) throws Exception {
    Path out = saved(dir);
    ModelBundle loaded = ModelBundle.load(out);
    float[][] after = ModerationModel.of(loaded).score(FIXED);
    for (int i = 0; i < FIXED.size(); i++) {
      assertThat(after[i]).as("comment %d", i).containsExactly(before[i]);
    }
    assertThat(loaded.info()).isEqualTo(bundle.info());
    assertThat(loaded.vocabulary()).isEqualTo(bundle.vocabulary());
    assertThat(ModelBundle.digest(out)).hasSize(64);
  }

  @Test
  void aBundleSavedUnderAnotherVersionScoresTheSameAndIsAnotherBundle(@TempDir Path dir)
      throws Exception {
    Path original = saved(dir);
    ModelBundle again = bundle.withVersion("again");
    Path out = dir.resolve("again");
    String digest = again.save(out);
    ModelBundle loaded = ModelBundle.load(out);
    assertThat(loaded.info().version()).isEqualTo("again");
    assertThat(loaded.info())
        .isEqualTo(
            new BundleInfo(
                bundle.info().formatVersion(),
                bundle.info().name(),
                "again",
                bundle.info().labels(),
                bundle.info().thresholds(),
                bundle.info().tokenizerScheme(),
                bundle.info().maxLength(),
                bundle.info().provenance(),
                bundle.info().calibration()));
    assertThat(bundle.info().version()).isNotEqualTo("again");
    float[][] after = ModerationModel.of(loaded).score(FIXED);
    for (int i = 0; i < FIXED.size(); i++) {
      assertThat(after[i]).as("comment %d", i).containsExactly(before[i]);
    }
    assertThat(digest)
        .isEqualTo(ModelBundle.digest(out))
        .isNotEqualTo(ModelBundle.digest(original));
    assertThatThrownBy(() -> bundle.withVersion(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void provenanceRecordsDataSettingsAndEnvironment() {
    Provenance p = bundle.info().provenance();
    assertThat(p.dataSha256()).hasSize(64);
    assertThat(p.dataSource()).endsWith("jigsaw-sample.csv.gz");
    assertThat(p.settings()).isEqualTo(TestData.TINY);
    // 600 sample rows less the golden ones, which the fixture, like the product, never fits on.
    int golden = Partition.defaults().split(TestData.sample(600)).golden().size();
    assertThat(p.rows()).containsEntry("total", 600 - golden).containsKey("positives.threat");
    assertThat(p.validation().labels()).hasSize(6);
    assertThat(p.environment()).containsKeys("dl4j.version", "java.version", "arch");
    assertThat(p.environment().get("dl4j.version")).isEqualTo("1.0.0-M2.1");
    assertThat(bundle.info().thresholds()).hasSize(6);
  }

  @Test
  void aTamperedFileIsRefusedByName(@TempDir Path dir) throws IOException {
    Path out = saved(dir);
    Path network = out.resolve(ModelBundle.NETWORK_FILE);
    try (RandomAccessFile f = new RandomAccessFile(network.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xFF);
    }
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining(ModelBundle.NETWORK_FILE)
        .hasMessageContaining("SHA-256")
        .hasMessageContaining("altered");
  }

  @Test
  void aTruncatedFileIsRefusedAsTruncated(@TempDir Path dir) throws IOException {
    Path out = saved(dir);
    Path vocab = out.resolve(ModelBundle.VOCABULARY_FILE);
    byte[] bytes = Files.readAllBytes(vocab);
    Files.write(vocab, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining(ModelBundle.VOCABULARY_FILE)
        .hasMessageContaining("truncated");
  }

  @Test
  void theCalibrationIsStoredAndAFormat2BundleWithoutItsLinearModelIsRefused(@TempDir Path dir)
      throws IOException {
    Path out = saved(dir);
    assertThat(bundle.info().formatVersion()).isEqualTo(2);
    assertThat(ModelBundle.load(out).info().calibration())
        .isNotNull()
        .isEqualTo(bundle.info().calibration());
    assertThat(Files.readString(out.resolve(ModelBundle.INFO_FILE)))
        .contains("\"calibration\"", "\"slopes\"", "\"networkWeight\"");
    Files.delete(out.resolve(ModelBundle.LINEAR_FILE));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .hasMessageContaining(ModelBundle.LINEAR_FILE)
        .hasMessageContaining("missing");
  }

  @Test
  void missingFilesAndManifestsAreRefused(@TempDir Path dir) throws IOException {
    Path out = saved(dir);
    Files.delete(out.resolve(ModelBundle.INFO_FILE));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .hasMessageContaining(ModelBundle.INFO_FILE)
        .hasMessageContaining("missing");
    Files.delete(out.resolve(ModelBundle.MANIFEST_FILE));
    assertThatThrownBy(() -> ModelBundle.load(out)).hasMessageContaining("no manifest.json");
    assertThatThrownBy(() -> ModelBundle.load(dir.resolve("nowhere")))
        .hasMessageContaining("not a directory");
  }

  @Test
  void aCorruptManifestIsRefused(@TempDir Path dir) throws IOException {
    Path out = saved(dir);
    Files.writeString(
        out.resolve(ModelBundle.MANIFEST_FILE),
        "{\"format\": \"modstream-model-bundle\", \"files\": {",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void aConsistentlyRewrittenFileThatIsNotANetworkIsRefused(@TempDir Path dir) throws IOException {
    // Someone replaced network.zip and updated the manifest to match: checksums pass, parsing must
    // not.
    Path out = saved(dir);
    byte[] junk = "not a zip".getBytes(StandardCharsets.UTF_8);
    Files.write(out.resolve(ModelBundle.NETWORK_FILE), junk);
    String manifest = Files.readString(out.resolve(ModelBundle.MANIFEST_FILE));
    var tree = (ObjectNode) BundleDirectory.JSON.readTree(manifest);
    var entry = (ObjectNode) tree.get("files").get(ModelBundle.NETWORK_FILE);
    entry.put("bytes", junk.length);
    entry.put("sha256", SafeFiles.sha256(junk));
    Files.write(
        out.resolve(ModelBundle.MANIFEST_FILE), BundleDirectory.JSON.writeValueAsBytes(tree));
    assertThatThrownBy(() -> ModelBundle.load(out))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining(ModelBundle.NETWORK_FILE)
        .hasMessageContaining("not a readable DL4J network");
  }

  @Test
  void refusesToOverwriteANonEmptyDirectory(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("keep.txt"), "x");
    assertThatThrownBy(() -> bundle.save(dir)).hasMessageContaining("not empty");
    assertThat(dir.resolve("keep.txt")).exists();
  }
}
