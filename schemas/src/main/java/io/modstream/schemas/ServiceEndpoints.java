package io.modstream.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The services' small HTTP server for operators and orchestrators: {@code GET /metrics} (Prometheus
 * text format), {@code GET /health/live} and {@code GET /health/ready} (200 with a small JSON body
 * when OK, 503 with the reason otherwise). The streams app and the retraining service run one each;
 * the JDK's own server on one daemon thread, so the service jars carry no web framework for three
 * read-only paths.
 */
public final class ServiceEndpoints implements AutoCloseable {

  /** The Prometheus scrape path. */
  public static final String METRICS = "/metrics";

  /** The liveness path: 503 means restart the process. */
  public static final String LIVE = "/health/live";

  /** The readiness path: 503 means do not count on this instance now. */
  public static final String READY = "/health/ready";

  /** Prometheus text exposition format 0.0.4, what every Prometheus server reads. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A health answer: OK or not, and why.
   *
   * @param ok whether the check passes
   * @param detail what the state is (when OK) or what is missing (when not)
   */
  public record Health(boolean ok, String detail) {

    /** Validates. */
    public Health {
      Objects.requireNonNull(detail, "detail");
    }

    /**
     * A passing check.
     *
     * @param detail the state
     * @return the answer
     */
    public static Health up(String detail) {
      return new Health(true, detail);
    }

    /**
     * A failing check.
     *
     * @param reason what is missing, for whoever reads the probe's body
     * @return the answer
     */
    public static Health down(String reason) {
      return new Health(false, reason);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private ServiceEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the server.
   *
   * @param bindAddress the address to listen on ({@code 0.0.0.0} for all)
   * @param port the port; 0 picks a free one ({@link #port()})
   * @param metrics the scrape body, in Prometheus text format
   * @param live the liveness check
   * @param ready the readiness check
   * @param setting the setting that names the port, for the error when it is taken
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  public static ServiceEndpoints start(
      String bindAddress,
      int port,
      Supplier<String> metrics,
      Supplier<Health> live,
      Supplier<Health> ready,
      String setting)
      throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    } catch (BindException e) {
      throw new IOException(
          "cannot listen on "
              + bindAddress
              + ":"
              + port
              + " for /metrics and /health ("
              + e.getMessage()
              + "); another process holds the port: set "
              + setting
              + " to a free port, or -1 to run without the endpoints",
          e);
    }
    server.createContext(
        METRICS, ex -> respond(ex, 200, METRICS_CONTENT_TYPE, metrics.get(), METRICS));
    server.createContext(LIVE, ex -> health(ex, live.get(), LIVE));
    server.createContext(READY, ex -> health(ex, ready.get(), READY));
    server.createContext(
        "/",
        ex ->
            respond(
                ex,
                404,
                "text/plain; charset=utf-8",
                "not found; the paths are " + METRICS + ", " + LIVE + " and " + READY + "\n",
                ex.getRequestURI().getPath()));
    // One thread: scrapes and probes are rare and cheap, and never compete with the service's work.
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "modstream-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new ServiceEndpoints(server, executor);
  }

  /**
   * Returns the port listened on (the chosen one when started with port 0).
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange ex, Health health, String path) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", health.ok() ? "UP" : "DOWN");
    body.put(health.ok() ? "detail" : "reason", health.detail());
    respond(
        ex,
        health.ok() ? 200 : 503,
        "application/json",
        JSON.writeValueAsString(body) + "\n",
        path);
  }

  private static void respond(
      HttpExchange ex, int status, String contentType, String body, String path)
      throws IOException {
    try (ex) {
      // Contexts match by prefix: /metricsX or /health/ready/y are not these paths.
      boolean exact = ex.getRequestURI().getPath().equals(path);
      String method = ex.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        status = 405;
        contentType = "text/plain; charset=utf-8";
        body = "only GET and HEAD\n";
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
      } else if (!exact) {
        status = 404;
        contentType = "text/plain; charset=utf-8";
        body = "not found; the paths are " + METRICS + ", " + LIVE + " and " + READY + "\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(method)) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
