package io.modstream.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Apicurio Registry with in-memory storage, run from the copy the build unpacked ({@code
 * registry.properties}) in a child JVM. It listens on 127.0.0.1 only and forgets everything when it
 * stops. It serves Apicurio's own API ({@link #apicurioUrl()}) and the Confluent-compatible one
 * ({@link #ccompatUrl()}) that Confluent clients and {@link SchemaRegistration} use. Used where no
 * Docker engine is available: the local stack and the integration tests.
 */
public final class LocalRegistry implements AutoCloseable {

  /** The child JVM's default maximum heap: the registry itself uses a few tens of MiB. */
  public static final String DEFAULT_HEAP = "128m";

  /** Overrides where the unpacked registry is (a directory holding its runner jar and lib/). */
  public static final String HOME_PROPERTY = "modstream.registry.home";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String LOG_FILE = "registry.log";

  private final Path dir;
  private final int port;
  private final Process process;

  private LocalRegistry(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts a registry with the default heap and waits until it answers.
   *
   * @param dir the registry's own directory, for its log ({@code registry.log}); created
   * @param port the HTTP port on 127.0.0.1, or 0 for a free one
   * @return the running registry
   * @throws IOException if it cannot start, with the end of its log
   */
  public static LocalRegistry start(Path dir, int port) throws IOException {
    return start(dir, port, DEFAULT_HEAP);
  }

  /**
   * Starts a registry and waits until it answers.
   *
   * @param dir the registry's own directory, for its log ({@code registry.log}); created
   * @param port the HTTP port on 127.0.0.1, or 0 for a free one
   * @param heap the registry JVM's maximum heap, for example {@code 128m}
   * @return the running registry
   * @throws IOException if it cannot start, with the end of its log
   */
  public static LocalRegistry start(Path dir, int port, String heap) throws IOException {
    Path home = home();
    Path runner = runnerJar(home);
    Path own = dir.toAbsolutePath();
    Files.createDirectories(own);
    int httpPort = port != 0 ? requireFree(port) : freePort();
    Path log = own.resolve(LOG_FILE);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    // C1 only: halves the start on a small machine, and the registry serves a few requests.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + httpPort);
    // In-memory H2 (the registry's default, named here so a changed default cannot persist).
    command.add("-Dapicurio.storage.kind=sql");
    command.add("-Dapicurio.storage.sql.kind=h2");
    command.add("-Dapicurio.datasource.url=jdbc:h2:mem:registry");
    // One pooled connection, not 20: the local stack and the tests are one client at a time.
    command.add("-Dapicurio.datasource.jdbc.initial-size=1");
    command.add("-Dapicurio.datasource.jdbc.min-size=1");
    command.add("-Dapicurio.import.work-dir=" + own);
    command.add("-Dapicurio.storage.snapshot.location=" + own);
    // The bundled format prints its date wrongly (YYYY-MMx-dd).
    command.add("-Dquarkus.log.console.format=%d{yyyy-MM-dd HH:mm:ss} %p [%c{2.}] (%t) %m%n");
    command.add("-jar");
    command.add(runner.toString());
    Process process =
        new ProcessBuilder(command)
            .directory(own.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    LocalRegistry registry = new LocalRegistry(own, httpPort, process);
    try {
      registry.awaitReady(log);
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /**
   * Returns the registry's base address; clients append the API path.
   *
   * @return {@code http://127.0.0.1:<port>}
   */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Returns the Confluent-compatible API's address (Confluent clients' {@code
   * schema.registry.url}).
   *
   * @return {@code http://127.0.0.1:<port>/apis/ccompat/v7}
   */
  public String ccompatUrl() {
    return url() + "/apis/ccompat/v7";
  }

  /**
   * Returns Apicurio's own API's address (Apicurio serdes' {@code apicurio.registry.url}).
   *
   * @return {@code http://127.0.0.1:<port>/apis/registry/v3}
   */
  public String apicurioUrl() {
    return url() + "/apis/registry/v3";
  }

  /**
   * Returns the registry's directory.
   *
   * @return the directory holding its log
   */
  public Path dir() {
    return dir;
  }

  /**
   * Returns the registry's log file.
   *
   * @return {@code registry.log} in its directory
   */
  public Path log() {
    return dir.resolve(LOG_FILE);
  }

  /**
   * Returns whether the registry process is alive.
   *
   * @return true while running
   */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the registry and anything it started, killing them after 20 seconds. */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    try {
      for (ProcessHandle p : tree) {
        try {
          p.onExit().get(20, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
          p.destroyForcibly();
        }
      }
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      tree.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(apicurioUrl() + "/system/info"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the schema registry exited with code "
                + process.exitValue()
                + " during start; the end of "
                + log
                + ":\n"
                + tail(log));
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the schema registry", e);
      }
      sleep(200);
    }
    throw new IOException(
        "the schema registry did not answer on "
            + url()
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s; the end of "
            + log
            + ":\n"
            + tail(log));
  }

  /** The unpacked registry: the system property, else where the build unpacked it. */
  static Path home() throws IOException {
    String override = System.getProperty(HOME_PROPERTY);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    Properties p = new Properties();
    InputStream in = LocalRegistry.class.getResourceAsStream("registry.properties");
    if (in == null) {
      throw new IOException(
          "registry.properties is missing from the class path; build ops/local-registry"
              + " (mvn -pl ops/local-registry -am package)");
    }
    try (var reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      p.load(reader);
    }
    Path built = Path.of(p.getProperty("apicurio.home"));
    if (Files.isDirectory(built)) {
      return built;
    }
    // A checkout moved since the build: the unpacked copy sits beside this module's classes or jar.
    Path beside = codeDir().resolve("apicurio");
    return Files.isDirectory(beside) ? beside : built;
  }

  private static Path codeDir() {
    try {
      Path code =
          Path.of(LocalRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path parent = code.getParent();
      return parent != null ? parent : code;
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of(".");
    }
  }

  private static Path runnerJar(Path home) throws IOException {
    if (Files.isDirectory(home)) {
      try (var files = Files.list(home)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (String.valueOf(f.getFileName()).endsWith("-runner.jar")) {
            return f;
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    throw new IOException(
        "no Apicurio Registry runner jar in "
            + home
            + "; build ops/local-registry (mvn -pl ops/local-registry -am package), or point -D"
            + HOME_PROPERTY
            + " at an unpacked apicurio-registry-app");
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @SuppressWarnings("try") // the socket is opened only to test that the port is free
  private static int requireFree(int port) throws IOException {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return port;
    } catch (IOException busy) {
      throw new IOException(
          "port "
              + port
              + " on 127.0.0.1 is in use; stop what listens there or pick another port"
              + " (0 picks a free one)",
          busy);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the schema registry", e);
    }
  }
}
