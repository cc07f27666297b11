package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunk topics are written by whoever can write to Kafka: a fetch checks the bundle URI and every
 * chunk's headers before it keeps a byte, and refuses what could escape the cache or fill memory.
 */
class BundleTransportTest {

  private static final String URI = "kafka://model-bundles/tiny/t1";
  private static final BundleTransport.Limits SMALL =
      new BundleTransport.Limits(
          2L * BundleTransport.CHUNK_BYTES, 3L * BundleTransport.CHUNK_BYTES, 3);

  @Test
  void chunksInAnyOrderReassembleIntoTheirFiles() throws IOException {
    byte[] a = "first".getBytes(StandardCharsets.UTF_8);
    byte[] b = "second".getBytes(StandardCharsets.UTF_8);
    byte[] whole = "firstsecond".getBytes(StandardCharsets.UTF_8);
    BundleTransport.Reassembly r = new BundleTransport.Reassembly(URI, SMALL);
    r.add("vocabulary.txt", "1", "2", SafeFiles.sha256(whole), b);
    r.add("vocabulary.txt", "0", "2", SafeFiles.sha256(whole), a);
    Map<String, byte[]> files = r.files();
    assertThat(files).containsOnlyKeys("vocabulary.txt");
    assertThat(files.get("vocabulary.txt")).isEqualTo(whole);
  }

  @Test
  void uriPathsThatLeaveTheCacheAreRefused(@TempDir Path cache) throws IOException {
    assertThat(BundleTransport.Location.parse(URI, cache).target())
        .isEqualTo(cache.toAbsolutePath().resolve("tiny").resolve("t1"));
    for (String uri :
        new String[] {
          "kafka://model-bundles/../../etc",
          "kafka://model-bundles/tiny/..",
          "kafka://model-bundles/../t1",
          "kafka://model-bundles/tiny/t1/../../../x",
          "kafka://model-bundles/tiny/.hidden",
          "kafka://model-bundles/tiny",
          "kafka://model-bundles/tiny/%2e%2e",
          "kafka:///tiny/t1",
        }) {
      assertThatThrownBy(() -> BundleTransport.Location.parse(uri, cache))
          .as(uri)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(uri);
    }
  }

  @Test
  void aChunkNamingAPathInsteadOfAFileIsRefused() {
    for (String name : new String[] {"../../.bashrc", "sub/file", "..", ".manifest", "a\\b", ""}) {
      BundleTransport.Reassembly r = new BundleTransport.Reassembly(URI, SMALL);
      assertThatThrownBy(() -> r.add(name, "0", "1", "00", new byte[1]))
          .as(name)
          .hasMessageContaining("not a plain file name")
          .hasMessageContaining("refusing the bundle");
    }
  }

  @Test
  void chunkCountsAndIndicesOutOfRangeAreRefused() {
    BundleTransport.Reassembly r = new BundleTransport.Reassembly(URI, SMALL);
    assertThatThrownBy(() -> r.add("f", "0", "2147483647", "00", new byte[1]))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> r.add("f", "0", "0", "00", new byte[1]))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> r.add("f", "-1", "1", "00", new byte[1]))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> r.add("f", "3", "2", "00", new byte[1]))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> r.add("f", "one", "2", "00", new byte[1]))
        .hasMessageContaining("chunk index 'one' is not a number");
  }

  @Test
  void anOversizedChunkIsRefused() {
    BundleTransport.Reassembly r = new BundleTransport.Reassembly(URI, SMALL);
    assertThatThrownBy(() -> r.add("f", "0", "1", "00", new byte[BundleTransport.CHUNK_BYTES + 1]))
        .hasMessageContaining("bytes, over " + BundleTransport.CHUNK_BYTES);
  }

  @Test
  void chunksAddingUpBeyondTheBundleLimitAreRefusedAsTheyArrive() throws IOException {
    BundleTransport.Reassembly r = new BundleTransport.Reassembly(URI, SMALL);
    byte[] chunk = new byte[BundleTransport.CHUNK_BYTES];
    r.add("a", "0", "2", "00", chunk);
    r.add("a", "1", "2", "00", chunk);
    // The same chunk again (a republished bundle) replaces, it does not add up.
    r.add("a", "1", "2", "00", chunk);
    r.add("b", "0", "2", "00", chunk);
    assertThatThrownBy(() -> r.add("b", "1", "2", "00", chunk))
        .hasMessageContaining("add up to more than " + 3L * BundleTransport.CHUNK_BYTES);
  }

  @Test
  void tooManyFilesAreRefused() throws IOException {
    BundleTransport.Reassembly r = new BundleTransport.Reassembly(URI, SMALL);
    r.add("a", "0", "1", "00", new byte[1]);
    r.add("b", "0", "1", "00", new byte[1]);
    r.add("c", "0", "1", "00", new byte[1]);
    assertThatThrownBy(() -> r.add("d", "0", "1", "00", new byte[1]))
        .hasMessageContaining("more than 3 files");
  }

  @Test
  void missingChunksAndWrongDigestsAreRefused() throws IOException {
    BundleTransport.Reassembly missing = new BundleTransport.Reassembly(URI, SMALL);
    missing.add("a", "1", "2", "00", new byte[1]);
    assertThatThrownBy(missing::files).hasMessageContaining("a has 1 chunks, not the 2 named");
    BundleTransport.Reassembly altered = new BundleTransport.Reassembly(URI, SMALL);
    altered.add("a", "0", "1", SafeFiles.sha256(new byte[] {1}), new byte[] {2});
    assertThatThrownBy(altered::files).hasMessageContaining("does not match its SHA-256");
    assertThatThrownBy(new BundleTransport.Reassembly(URI, SMALL)::files)
        .hasMessageContaining("no chunks of " + URI);
  }
}
