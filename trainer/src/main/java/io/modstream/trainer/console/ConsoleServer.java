package io.modstream.trainer.console;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moderators' console: a small Javalin server with pages from Mustache templates (which escape
 * every value, so a comment's markup shows as text). Review queue, a comment's history and the
 * models page; verdicts go to the feedback topic as {@link Feedback} records carrying the signed-in
 * reviewer.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String COOKIE = "modstream-console";
  private static final String FORM_TOKEN = "form_token";
  private static final int QUEUE_LIMIT = 50;

  /** No scripts, styles or frames but the console's own; nothing from a comment can run. */
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final ConsoleSettings settings;
  private final ModerationLog log;
  private final ReviewQueue queue;
  private final Models models;
  private final Sessions sessions = new Sessions(Duration.ofHours(12));
  private final KafkaProducer<String, Feedback> producer;
  private final Map<String, Mustache> pages = new HashMap<>();
  private final Map<String, String> assets = new HashMap<>();
  private final Javalin app;

  private ConsoleServer(ConsoleSettings settings) {
    this.settings = settings;
    this.log = new ModerationLog(settings);
    this.queue =
        new ReviewQueue(
            new Thresholds(settings.store(), settings.modelName()), settings.uncertainty());
    this.models = new Models(settings);
    this.producer =
        new KafkaProducer<>(
            ModelReleases.producerConfig(settings.connection()),
            new StringSerializer(),
            Topics.COMMENT_FEEDBACK.valueSerde().serializer());
    MustacheFactory mustache = new DefaultMustacheFactory("io/modstream/trainer/console");
    for (String page : List.of("login", "queue", "comment", "models", "message")) {
      pages.put(page, mustache.compile(page + ".mustache"));
    }
    assets.put("/console.css", resource("console.css"));
    assets.put("/console.js", resource("console.js"));
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = settings.host();
              config.jetty.port = settings.port();
              config.routes.before(this::headers);
              config.routes.get("/console.css", ctx -> asset(ctx, "text/css"));
              config.routes.get("/console.js", ctx -> asset(ctx, "text/javascript"));
              config.routes.get("/login", this::loginPage);
              config.routes.post("/login", this::login);
              config.routes.post("/logout", this::logout);
              config.routes.get("/", ctx -> ctx.redirect("/queue"));
              config.routes.get("/queue", this::queuePage);
              config.routes.post("/verdicts", this::verdict);
              config.routes.get("/comments/{id}", this::commentPage);
              config.routes.get("/models", this::modelsPage);
              config.routes.post("/models/pin", ctx -> release(ctx, false));
              config.routes.post("/models/rollback", ctx -> release(ctx, true));
              config.routes.exception(
                  IllegalArgumentException.class,
                  (e, ctx) -> message(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
              config.routes.exception(
                  IllegalStateException.class,
                  (e, ctx) -> message(ctx, HttpStatus.CONFLICT, e.getMessage()));
              config.routes.exception(
                  KafkaException.class,
                  (e, ctx) ->
                      message(
                          ctx,
                          HttpStatus.SERVICE_UNAVAILABLE,
                          "the Kafka cluster did not answer ("
                              + e.getMessage()
                              + "); try again when it is back"));
            });
  }

  /**
   * Starts a console: its topic reader and its HTTP server.
   *
   * @param settings the settings
   * @return the running console
   */
  public static ConsoleServer start(ConsoleSettings settings) {
    ConsoleServer server = new ConsoleServer(settings);
    server.log.start();
    server.app.start();
    LOG.info("moderators' console at {}", server.url());
    return server;
  }

  /**
   * Returns the port it listens on.
   *
   * @return the port
   */
  public int port() {
    return app.port();
  }

  /**
   * Returns the console's address.
   *
   * @return for example {@code http://127.0.0.1:8088/}
   */
  public String url() {
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port() + "/";
  }

  @Override
  public void close() {
    app.stop();
    producer.close(Duration.ofSeconds(5));
    log.close();
  }

  // ---- access

  private void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
  }

  /** The signed-in reviewer and form token, or null. */
  private Sessions.Session session(Context ctx) {
    if (settings.users() == null) {
      String reviewer = ctx.header(settings.proxyUserHeader());
      // Behind a proxy the cookie's SameSite rule still keeps other sites' forms out: a form token
      // bound to the proxy's name would be no stronger.
      return reviewer == null || reviewer.isBlank()
          ? null
          : new Sessions.Session(reviewer.strip(), "proxy", Long.MAX_VALUE);
    }
    return sessions.find(ctx.cookie(COOKIE));
  }

  /** The reviewer for a page, or null after sending the sign-in page's address. */
  private Sessions.Session pageSession(Context ctx) {
    Sessions.Session s = session(ctx);
    if (s == null) {
      ctx.redirect("/login");
    }
    return s;
  }

  /** The reviewer for a write, or null after refusing it: a write needs a session and its token. */
  private Sessions.Session writeSession(Context ctx) {
    Sessions.Session s = session(ctx);
    if (s == null) {
      message(
          ctx,
          HttpStatus.FORBIDDEN,
          "sign in first: the console takes no verdict without a" + " signed-in reviewer");
      return null;
    }
    if (settings.users() != null && !s.formToken().equals(ctx.formParam(FORM_TOKEN))) {
      message(ctx, HttpStatus.FORBIDDEN, "this form is stale; reload the page and try again");
      return null;
    }
    return s;
  }

  private void loginPage(Context ctx) {
    if (settings.users() == null) {
      ctx.redirect("/queue");
      return;
    }
    render(ctx, "login", Map.of());
  }

  private void login(Context ctx) {
    if (settings.users() == null) {
      ctx.redirect("/queue");
      return;
    }
    String name = ctx.formParam("reviewer");
    String password = ctx.formParam("password");
    if (name == null
        || password == null
        || !settings.users().verify(name.strip(), password.toCharArray())) {
      ctx.status(HttpStatus.UNAUTHORIZED);
      render(ctx, "login", Map.of("error", "unknown reviewer or wrong password"));
      return;
    }
    Cookie cookie =
        new Cookie(
            COOKIE, sessions.open(name.strip()), "/", -1, false, true, null, SameSite.STRICT);
    ctx.cookie(cookie);
    ctx.redirect("/queue");
  }

  private void logout(Context ctx) {
    sessions.close(ctx.cookie(COOKIE));
    ctx.removeCookie(COOKIE, "/");
    ctx.redirect("/login");
  }

  // ---- pages

  private void queuePage(Context ctx) {
    Sessions.Session s = pageSession(ctx);
    if (s == null) {
      return;
    }
    List<ReviewQueue.Item> items = queue.items(log.scored(), QUEUE_LIMIT);
    Map<String, Object> scope = base(s, "queue");
    scope.put("items", items);
    scope.put("empty", items.isEmpty());
    scope.put("done", ctx.queryParam("done"));
    render(ctx, "queue", scope);
  }

  private void verdict(Context ctx) throws ExecutionException, InterruptedException {
    Sessions.Session s = writeSession(ctx);
    if (s == null) {
      return;
    }
    String id = ctx.formParam("comment_id");
    ModerationLog.History h = id == null ? null : log.history(id);
    if (h == null || h.comment() == null || h.latest() == null) {
      throw new IllegalArgumentException("no scored comment " + id + "; reload the queue");
    }
    Map<String, Boolean> labels = new LinkedHashMap<>();
    for (String label : h.latest().getScores().keySet()) {
      String v = ctx.formParam("label." + label);
      if ("yes".equals(v) || "no".equals(v)) {
        labels.put(label, "yes".equals(v));
      }
    }
    if (labels.isEmpty()) {
      throw new IllegalArgumentException(
          "judge at least one label (yes or no) before sending the verdict");
    }
    Feedback f =
        Feedback.newBuilder()
            .setCommentId(id)
            .setText(h.comment().getText())
            .setLabels(labels)
            .setSource(FeedbackSource.MODERATOR_DECISION)
            .setReviewerId(s.reviewer())
            .setCreatedAt(Instant.now())
            .build();
    ProducerRecord<String, Feedback> record =
        new ProducerRecord<>(settings.topics().feedback(), id, f);
    String note = ctx.formParam("note");
    if (note != null && !note.isBlank()) {
      record
          .headers()
          .add(ModerationLog.NOTE_HEADER, note.strip().getBytes(StandardCharsets.UTF_8));
    }
    RecordMetadata m = producer.send(record).get();
    // The next page should show the verdict: wait (briefly) until the reader has it.
    log.awaitRead(new TopicPartition(m.topic(), m.partition()), m.offset(), Duration.ofSeconds(5));
    LOG.info("verdict on {} by {}: {}", id, s.reviewer(), labels);
    ctx.redirect("/queue?done=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  private void commentPage(Context ctx) {
    Sessions.Session s = pageSession(ctx);
    if (s == null) {
      return;
    }
    String id = ctx.pathParam("id");
    ModerationLog.History h = log.history(id);
    if (h == null) {
      message(ctx, HttpStatus.NOT_FOUND, "the console has read nothing about comment " + id);
      return;
    }
    Map<String, Object> scope = base(s, "queue");
    scope.put("id", id);
    scope.put("text", h.comment() == null ? null : h.comment().getText());
    if (h.comment() != null) {
      scope.put("author", h.comment().getAuthorId());
      scope.put("channel", h.comment().getChannel());
      scope.put("created", String.valueOf(h.comment().getCreatedAt()));
    }
    LabelEvent latest = h.latest();
    if (latest != null && h.comment() != null) {
      scope.put("current", queue.item(h, latest));
    }
    List<Map<String, Object>> events = new ArrayList<>();
    for (LabelEvent e : h.events()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("version", e.getModelVersion());
      row.put("at", String.valueOf(e.getDecidedAt()));
      List<String> scores = new ArrayList<>();
      e.getScores()
          .forEach((k, v) -> scores.add(String.format(java.util.Locale.ROOT, "%s %.3f", k, v)));
      row.put("scores", String.join(", ", scores));
      row.put("flagged", String.join(", ", e.getFlagged()));
      events.add(row);
    }
    scope.put("events", events);
    scope.put("topics", String.join(", ", h.flaggedTopics()));
    List<Map<String, Object>> verdicts = new ArrayList<>();
    List<Map<String, Object>> appeals = new ArrayList<>();
    for (ModerationLog.Verdict v : h.verdicts()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("at", String.valueOf(v.feedback().getCreatedAt()));
      row.put("source", v.feedback().getSource().name());
      row.put("reviewer", v.feedback().getReviewerId());
      List<String> labels = new ArrayList<>();
      v.feedback().getLabels().forEach((k, b) -> labels.add(k + (b ? " yes" : " no")));
      row.put("labels", String.join(", ", labels));
      row.put("note", v.note());
      (v.feedback().getSource() == FeedbackSource.APPEAL ? appeals : verdicts).add(row);
    }
    scope.put("verdicts", verdicts);
    scope.put("appeals", appeals);
    render(ctx, "comment", scope);
  }

  private void modelsPage(Context ctx) throws IOException {
    Sessions.Session s = pageSession(ctx);
    if (s == null) {
      return;
    }
    ModelRelease current = models.current();
    Map<String, Object> scope = base(s, "models");
    scope.put("model", settings.modelName());
    scope.put("current", current == null ? null : current.getVersion());
    scope.put("parent", current == null ? null : current.getParentVersion());
    scope.put("versions", models.versions(current));
    scope.put("store", settings.store() != null);
    List<Models.Decision> decisions = models.decisions();
    List<Models.Decision> newestFirst = new ArrayList<>(decisions);
    java.util.Collections.reverse(newestFirst);
    scope.put("decisions", newestFirst);
    scope.put("chart", Models.chart(decisions));
    scope.put("released", ctx.queryParam("released"));
    render(ctx, "models", scope);
  }

  private void release(Context ctx, boolean rollback)
      throws IOException, ExecutionException, InterruptedException {
    Sessions.Session s = writeSession(ctx);
    if (s == null) {
      return;
    }
    if (!"yes".equals(ctx.formParam("confirm"))) {
      throw new IllegalArgumentException(
          "tick the confirmation box: every running scorer swaps to the version you release");
    }
    ModelRelease current = models.current();
    ModelRelease r =
        rollback ? models.rollback(current) : models.pin(ctx.formParam("version"), current);
    LOG.info(
        "{} released {} {} again from the console", s.reviewer(), r.getModelName(), r.getVersion());
    ctx.redirect(
        "/models?released=" + java.net.URLEncoder.encode(r.getVersion(), StandardCharsets.UTF_8));
  }

  // ---- rendering

  private Map<String, Object> base(Sessions.Session s, String tab) {
    Map<String, Object> scope = new HashMap<>();
    scope.put("reviewer", s.reviewer());
    scope.put("formToken", s.formToken());
    scope.put("signedIn", settings.users() != null);
    scope.put("tab_" + tab, true);
    return scope;
  }

  private void message(Context ctx, HttpStatus status, String text) {
    ctx.status(status);
    render(ctx, "message", Map.of("message", text, "status", status.getCode()));
  }

  private void render(Context ctx, String page, Map<String, Object> scope) {
    StringWriter out = new StringWriter();
    pages.get(page).execute(out, scope);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(out.toString());
  }

  private void asset(Context ctx, String type) {
    ctx.contentType(type + "; charset=utf-8");
    ctx.result(assets.get(ctx.path()));
  }

  private static String resource(String name) {
    try (InputStream in =
        ConsoleServer.class.getResourceAsStream("/io/modstream/trainer/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
