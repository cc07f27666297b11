package io.modstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Carries a model bundle directory through Kafka, so instances on other hosts can fetch it without
 * a shared filesystem. Each file is cut into chunks of at most {@value #CHUNK_BYTES} bytes, keyed
 * {@code <name>/<version>/<file>/<index>} (unique keys, so a compacted topic keeps them all), with
 * headers naming the file, the chunk index and count, and the file's SHA-256. A fetch reassembles
 * the files into a local directory, checks every file's SHA-256, and moves the directory into place
 * only when all files are complete. The bundle URI is {@code kafka://<topic>/<name>/<version>}.
 */
public final class BundleTransport {

  /** Largest chunk value, under Kafka's default 1 MB record limit. */
  public static final int CHUNK_BYTES = 512 * 1024;

  private static final String FILE = "modstream.bundle.file";
  private static final String INDEX = "modstream.bundle.chunk";
  private static final String COUNT = "modstream.bundle.chunks";
  private static final String SHA = "modstream.bundle.file.sha256";

  private BundleTransport() {}

  /**
   * Publishes every regular file of a directory as chunks and waits for all acknowledgements.
   *
   * @param bootstrapServers the cluster
   * @param topic the chunk topic
   * @param dir the bundle directory
   * @param name the model name
   * @param version the model version
   * @return the bundle URI to put in the release
   * @throws IOException if the directory cannot be read
   * @throws ExecutionException if the broker refuses a chunk
   * @throws InterruptedException if interrupted
   */
  public static String publish(
      String bootstrapServers, String topic, Path dir, String name, String version)
      throws IOException, ExecutionException, InterruptedException {
    return publish(ModelReleases.connection(bootstrapServers), topic, dir, name, version);
  }

  /**
   * Publishes a bundle as {@link #publish(String, String, Path, String, String)}, on a connection
   * that may carry security settings.
   *
   * @param connection the connection settings, {@code bootstrap.servers} among them
   * @param topic the chunk topic
   * @param dir the bundle directory
   * @param name the model name
   * @param version the model version
   * @return the bundle URI to put in the release
   * @throws IOException if the directory cannot be read
   * @throws ExecutionException if the broker refuses a chunk
   * @throws InterruptedException if interrupted
   */
  public static String publish(
      Map<String, ?> connection, String topic, Path dir, String name, String version)
      throws IOException, ExecutionException, InterruptedException {
    Map<String, Object> props = new HashMap<>(ModelReleases.producerConfig(connection));
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * CHUNK_BYTES);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (Path file : files) {
        byte[] bytes = Files.readAllBytes(file);
        String fileName = file.getFileName().toString();
        String sha = SafeFiles.sha256(bytes);
        int count = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int i = 0; i < count; i++) {
          int from = i * CHUNK_BYTES;
          byte[] chunk =
              Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_BYTES));
          RecordHeaders h = new RecordHeaders();
          h.add(FILE, fileName.getBytes(StandardCharsets.UTF_8));
          h.add(INDEX, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
          h.add(COUNT, Integer.toString(count).getBytes(StandardCharsets.UTF_8));
          h.add(SHA, sha.getBytes(StandardCharsets.UTF_8));
          producer.send(
              new ProducerRecord<>(
                  topic, null, name + "/" + version + "/" + fileName + "/" + i, chunk, h));
        }
      }
      producer.flush();
    }
    return "kafka://" + topic + "/" + name + "/" + version;
  }

  /**
   * Fetches a bundle published by {@link #publish} into {@code <cache>/<name>/<version>}, or
   * returns that directory if an earlier fetch completed it.
   *
   * @param bootstrapServers the cluster
   * @param uri a {@code kafka://} bundle URI
   * @param cache the local cache directory
   * @return the reassembled bundle directory
   * @throws IOException if chunks are missing or a file's SHA-256 does not match
   */
  public static Path fetch(String bootstrapServers, String uri, Path cache) throws IOException {
    return fetch(ModelReleases.connection(bootstrapServers), uri, cache, Limits.DEFAULT);
  }

  static Path fetch(String bootstrapServers, String uri, Path cache, Limits limits)
      throws IOException {
    return fetch(ModelReleases.connection(bootstrapServers), uri, cache, limits);
  }

  private static Path fetch(Map<String, ?> connection, String uri, Path cache, Limits limits)
      throws IOException {
    Location where = Location.parse(uri, cache);
    if (Files.isDirectory(where.target())) {
      return where.target();
    }
    Reassembly reassembly = new Reassembly(uri, limits);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            ModelReleases.consumerConfig(connection),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts = ModelReleases.partitions(c, where.topic());
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() == null || !r.key().startsWith(where.prefix()) || r.value() == null) {
            continue;
          }
          reassembly.add(
              header(r, FILE), header(r, INDEX), header(r, COUNT), header(r, SHA), r.value());
        }
      }
    }
    SafeFiles.writeDirectory(where.target(), reassembly.files(), null);
    return where.target();
  }

  /**
   * The most a fetch accepts from the chunk topic, whose records anyone with write access can
   * forge: checked as chunks arrive, so a hostile topic cannot fill the memory or the disk.
   *
   * @param maxFileBytes the largest file
   * @param maxBundleBytes the largest sum of all files
   * @param maxFiles the most files
   */
  record Limits(long maxFileBytes, long maxBundleBytes, int maxFiles) {
    /** Far above a real bundle (tens of MB), far below what would exhaust a scoring instance. */
    static final Limits DEFAULT = new Limits(1L << 30, 1L << 30, 32);
  }

  /** Where a kafka: URI's bundle comes from and goes. */
  record Location(String topic, String prefix, Path target) {

    static Location parse(String uri, Path cache) throws IOException {
      URI parsed;
      try {
        parsed = URI.create(uri);
      } catch (IllegalArgumentException e) {
        throw new IOException("bundle URI '" + uri + "' is not a URI", e);
      }
      if (!"kafka".equals(parsed.getScheme())) {
        throw new IOException("not a kafka: bundle URI: " + uri);
      }
      String topic = parsed.getHost();
      String path = parsed.getPath();
      String[] parts =
          path == null || path.length() < 2 ? new String[0] : path.substring(1).split("/", -1);
      if (topic == null || parts.length != 2 || !plainName(parts[0]) || !plainName(parts[1])) {
        throw new IOException(
            "bundle URI '"
                + uri
                + "' is not kafka://<topic>/<name>/<version> with plain names (no '..', no"
                + " separators); refusing it");
      }
      Path root = cache.toAbsolutePath().normalize();
      Path target = root.resolve(parts[0]).resolve(parts[1]).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IOException("bundle URI '" + uri + "' points outside the bundle cache");
      }
      return new Location(topic, parts[0] + "/" + parts[1] + "/", target);
    }
  }

  /** A name that is one path segment and nothing else. */
  static boolean plainName(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.startsWith(".")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch == '/' || ch == '\\' || ch == ':' || Character.isISOControl(ch)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Puts a bundle's files back together from its chunks, each header checked as it arrives. A
   * file's latest count and SHA-256 win, as a compacted topic keeps a key's latest record.
   */
  static final class Reassembly {

    private final String uri;
    private final Limits limits;
    private final Map<String, TreeMap<Integer, byte[]>> chunks = new TreeMap<>();
    private final Map<String, String> shas = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private long totalBytes;

    Reassembly(String uri, Limits limits) {
      this.uri = uri;
      this.limits = limits;
    }

    void add(String file, String indexText, String countText, String sha, byte[] value)
        throws IOException {
      if (!plainName(file)) {
        throw refuse("a chunk names file '" + file + "', which is not a plain file name");
      }
      int index = number(file, "chunk index", indexText);
      int count = number(file, "chunk count", countText);
      long maxCount = (limits.maxFileBytes() + CHUNK_BYTES - 1) / CHUNK_BYTES;
      if (count < 1 || count > Math.max(1, maxCount) || index < 0 || index >= count) {
        throw refuse(
            file
                + ": chunk "
                + index
                + " of "
                + count
                + " is out of range (a file has 1 to "
                + Math.max(1, maxCount)
                + " chunks)");
      }
      if (value.length > CHUNK_BYTES) {
        throw refuse(
            file + ": chunk " + index + " has " + value.length + " bytes, over " + CHUNK_BYTES);
      }
      if (!chunks.containsKey(file) && chunks.size() >= limits.maxFiles()) {
        throw refuse("more than " + limits.maxFiles() + " files");
      }
      TreeMap<Integer, byte[]> parts = chunks.computeIfAbsent(file, f -> new TreeMap<>());
      byte[] before = parts.put(index, value);
      totalBytes += value.length - (before == null ? 0 : before.length);
      if (totalBytes > limits.maxBundleBytes()) {
        throw refuse("its chunks add up to more than " + limits.maxBundleBytes() + " bytes");
      }
      shas.put(file, sha);
      counts.put(file, count);
    }

    Map<String, byte[]> files() throws IOException {
      if (chunks.isEmpty()) {
        throw new IOException(
            "no chunks of " + uri + "; was the bundle published with BundleTransport?");
      }
      Map<String, byte[]> files = new TreeMap<>();
      for (Map.Entry<String, TreeMap<Integer, byte[]>> e : chunks.entrySet()) {
        String file = e.getKey();
        TreeMap<Integer, byte[]> parts = e.getValue();
        int count = counts.get(file);
        if (parts.size() != count || parts.lastKey() != count - 1) {
          throw new IOException(
              uri + ": " + file + " has " + parts.size() + " chunks, not the " + count + " named");
        }
        long size = 0;
        for (byte[] chunk : parts.values()) {
          size += chunk.length;
        }
        if (size > limits.maxFileBytes()) {
          throw refuse(file + " has " + size + " bytes, over " + limits.maxFileBytes());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        for (byte[] chunk : parts.values()) {
          out.write(chunk);
        }
        byte[] bytes = out.toByteArray();
        if (!SafeFiles.sha256(bytes).equals(shas.get(file))) {
          throw new IOException(
              uri
                  + ": "
                  + file
                  + " does not match its SHA-256 after reassembly; refusing the bundle");
        }
        files.put(file, bytes);
      }
      return files;
    }

    private int number(String file, String what, String text) throws IOException {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw refuse(file + ": " + what + " '" + text + "' is not a number");
      }
    }

    private IOException refuse(String why) {
      return new IOException(
          uri + ": " + why + "; refusing the bundle (the chunk topic holds foreign records)");
    }
  }

  /**
   * Returns the local directory of a released bundle: a {@code file:} URI as is, a {@code kafka:}
   * URI fetched into {@code cache}. The caller still verifies the bundle against the release's
   * digest.
   *
   * @param bootstrapServers the cluster, for kafka: URIs
   * @param uri the release's bundle URI
   * @param cache where kafka: bundles are reassembled
   * @return the bundle directory
   * @throws IOException if the URI is malformed or unsupported, or the fetch fails
   */
  public static Path resolve(String bootstrapServers, String uri, Path cache) throws IOException {
    return resolve(ModelReleases.connection(bootstrapServers), uri, cache);
  }

  /**
   * Returns the local directory of a released bundle, as {@link #resolve(String, String, Path)}, on
   * a connection that may carry security settings.
   *
   * @param connection the connection settings (see {@link ModelReleases#consumerConfig(Map)})
   * @param uri the release's bundle URI
   * @param cache where kafka: bundles are reassembled
   * @return the bundle directory
   * @throws IOException if the URI is malformed or unsupported, or the fetch fails
   */
  public static Path resolve(Map<String, ?> connection, String uri, Path cache) throws IOException {
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IOException("bundle URI '" + uri + "' is not a URI", e);
    }
    if ("file".equals(parsed.getScheme())) {
      return Path.of(parsed);
    }
    if ("kafka".equals(parsed.getScheme())) {
      return fetch(connection, uri, cache, Limits.DEFAULT);
    }
    throw new IOException(
        "bundle URI '"
            + uri
            + "' is not supported; use file: (shared store) or kafka: (BundleTransport)");
  }

  private static String header(ConsumerRecord<?, ?> r, String name) throws IOException {
    Header h = r.headers().lastHeader(name);
    if (h == null) {
      throw new IOException("bundle chunk " + r.key() + " lacks header " + name);
    }
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
