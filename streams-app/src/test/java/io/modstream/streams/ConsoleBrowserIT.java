package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelReleases;
import io.modstream.trainer.console.ConsoleServer;
import io.modstream.trainer.console.ConsoleSettings;
import io.modstream.trainer.console.Users;
import io.modstream.trainer.retrain.ReleaseStore;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A moderator in a real browser (Debian's Chromium through chromedriver) against the console, a
 * real broker and the real scorer: signs in, reviews five queued comments (two corrections, one by
 * keyboard), and exactly those five verdicts reach the feedback topic with the judged labels and
 * the reviewer; a comment carrying markup shows as text; a write without a session is refused; the
 * models page pins a version behind its confirmation.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String HOSTILE =
      "<script>window.pwned = true</script><b>bold</b> <img src=x onerror=\"window.pwned=true\">"
          + " you are an idiot";

  @Test
  void aModeratorReviewsFiveCommentsAndExactlyThoseVerdictsArrive(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipped: no Chromium here; install Debian's chromium and chromium-driver (.ci/run does)"
            + " to run the console's browser test");
    String bootstrap = broker.bootstrapServers();
    String app = "console-it-" + System.nanoTime();
    Path model = dir.resolve("model");
    ModelBundle bundle = TestData.tinyModel().bundle();
    bundle.save(model);
    String name = bundle.info().name();
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
    settings.remove(ScorerConfig.RELEASES_TOPIC);
    settings.put(ScorerConfig.MODEL_PATH, model.toString());
    ScorerConfig cfg = new ScorerConfig(settings);
    TopicSetup.createMissing(bootstrap, TopicSetup.specs(cfg, bundle.info().labels()), 1);
    String feedbackTopic = app + "-feedback";
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(feedbackTopic, 1, (short) 1),
                  new NewTopic(app + "-releases", 1, (short) 1)))
          .all()
          .get();
    }
    // Two stored versions, t2 serving with t1 as its parent: the models page can pin t1.
    Path store = dir.resolve("store");
    ReleaseStore releases = new ReleaseStore(store, bootstrap, app + "-releases");
    releases.release(model, null);
    Path t2 = dir.resolve("t2");
    bundle.withVersion("t2").save(t2);
    releases.release(t2, "t1");
    Files.writeString(store.resolve("decisions.jsonl"), decisionLine());

    List<String> texts = new ArrayList<>();
    for (String t : TestData.sample(40).texts()) {
      if (!t.isBlank() && t.length() < 300 && texts.size() < 5) {
        texts.add(t);
      }
    }
    texts.add(HOSTILE);
    Map<String, String> idsByText = new LinkedHashMap<>();
    ModelHolder models = new ModelHolder(ModerationModel.of(ModelBundle.load(model)));
    String password = "correct horse battery staple";
    ConsoleSettings console =
        new ConsoleSettings(
            ModelReleases.connection(bootstrap),
            "127.0.0.1",
            0,
            Users.of(Map.of("moderator-7", Users.hash(password.toCharArray(), 10_000))),
            null,
            new ConsoleSettings.TopicNames(
                app + "-comments",
                app + "-labels",
                app + "-flagged-",
                feedbackTopic,
                app + "-releases"),
            name,
            store,
            store.resolve("decisions.jsonl"),
            1.0, // every scored comment waits for review: the test decides which to judge
            1_000);
    WebDriver browser = null;
    try (KafkaStreams streams =
            new KafkaStreams(ScoringTopology.build(cfg, models), cfg.streamsProperties());
        KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap);
        ConsoleServer server = ConsoleServer.start(console)) {
      streams.start();
      AvroCodec<Comment> codec = AvroCodec.of(Comment.class);
      for (int i = 0; i < texts.size(); i++) {
        String id = "c-" + i;
        idsByText.put(texts.get(i), id);
        Comment c =
            Comment.newBuilder()
                .setCommentId(id)
                .setText(texts.get(i))
                .setCreatedAt(Instant.now())
                .setChannel("news-1")
                .build();
        producer.send(new ProducerRecord<>(app + "-comments", id, codec.encode(c))).get();
      }
      Map<String, LabelEvent> events = new HashMap<>();
      AvroCodec<LabelEvent> labels = AvroCodec.of(LabelEvent.class);
      for (ConsumerRecord<String, byte[]> r :
          ItSupport.readUntil(
              bootstrap, app + "-labels", Duration.ofSeconds(60), l -> l.size() >= texts.size())) {
        events.put(r.key(), labels.decode(r.value()));
      }
      assertThat(events).hasSize(texts.size());

      String base = server.url();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "verdicts"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("comment_id=c-0&label.toxic=yes"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).as("a write without a session").isEqualTo(403);

      browser = chromium();
      signIn(browser, base, password);
      awaitItems(browser, texts.size());
      screenshot(browser, "queue");

      String hostileId = idsByText.get(HOSTILE);
      assertShownAsText(browser, hostileId);

      Map<String, Map<String, Boolean>> expected = reviewFive(browser, bundle, events);

      List<ConsumerRecord<String, byte[]>> verdicts =
          ItSupport.readUntil(bootstrap, feedbackTopic, Duration.ofSeconds(5), l -> false);
      AvroCodec<Feedback> feedback = AvroCodec.of(Feedback.class);
      Map<String, Map<String, Boolean>> arrived = new LinkedHashMap<>();
      for (ConsumerRecord<String, byte[]> r : verdicts) {
        Feedback f = feedback.decode(r.value());
        assertThat(f.getReviewerId()).isEqualTo("moderator-7");
        assertThat(f.getSource()).isEqualTo(FeedbackSource.MODERATOR_DECISION);
        assertThat(f.getCommentId()).isEqualTo(r.key());
        assertThat(f.getText()).isEqualTo(texts.get(Integer.parseInt(r.key().substring(2))));
        arrived.put(r.key(), new LinkedHashMap<>(f.getLabels()));
      }
      assertThat(verdicts).hasSize(5);
      assertThat(arrived).isEqualTo(expected);

      browser.get(base + "comments/c-0");
      assertThat(browser.findElement(By.id("verdicts")).getText())
          .contains("moderator-7")
          .contains("sarcasm, not an insult");
      assertThat(browser.findElement(By.id("events")).getText()).contains("t1");
      screenshot(browser, "comment");
      browser.get(base + "comments/" + hostileId);
      assertThat(browser.findElement(By.id("comment-text")).getText()).contains("<script>");

      pinNeedsConfirmation(browser, base, bootstrap, app + "-releases", name);
    } finally {
      if (browser != null) {
        browser.quit();
      }
    }
  }

  private static void signIn(WebDriver browser, String base, String password) throws Exception {
    browser.get(base + "queue");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
    screenshot(browser, "login");
    browser.findElement(By.id("reviewer-name")).sendKeys("moderator-7");
    browser.findElement(By.id("password")).sendKeys("wrong");
    browser.findElement(By.id("sign-in")).click();
    assertThat(browser.findElement(By.id("error")).getText()).contains("wrong password");
    browser.findElement(By.id("reviewer-name")).clear();
    browser.findElement(By.id("reviewer-name")).sendKeys("moderator-7");
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("sign-in")).click();
    assertThat(browser.findElement(By.id("reviewer")).getText()).isEqualTo("moderator-7");
  }

  /** The hostile comment: its markup is text on the page, and nothing of it ran. */
  private static void assertShownAsText(WebDriver browser, String hostileId) throws Exception {
    WebElement hostile = form(browser, hostileId).findElement(By.cssSelector("p.text"));
    assertThat(hostile.getText()).contains("<script>window.pwned = true</script><b>bold</b>");
    assertThat(hostile.findElements(By.tagName("b"))).isEmpty();
    assertThat(hostile.findElements(By.tagName("img"))).isEmpty();
    assertThat(hostile.findElements(By.tagName("script"))).isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === true"))
        .isEqualTo(false);
  }

  private static Map<String, Map<String, Boolean>> reviewFive(
      WebDriver browser, ModelBundle bundle, Map<String, LabelEvent> events) throws Exception {
    // Five verdicts, each on two labels; the first label of the first two is a correction.
    List<String> judgedLabels = bundle.info().labels().subList(0, 2);
    Map<String, Map<String, Boolean>> expected = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      String id = "c-" + i;
      LabelEvent e = events.get(id);
      Map<String, Boolean> verdict = new LinkedHashMap<>();
      for (int k = 0; k < judgedLabels.size(); k++) {
        String label = judgedLabels.get(k);
        boolean modelSays = e.getFlagged().contains(label);
        verdict.put(label, k == 0 && i < 2 ? !modelSays : modelSays);
      }
      expected.put(id, verdict);
      WebElement item = form(browser, id);
      for (Map.Entry<String, Boolean> v : verdict.entrySet()) {
        String value = v.getValue() ? "yes" : "no";
        if (i == 3) {
          // By keyboard: the label's number key cycles yes, no, not judged.
          int key = bundle.info().labels().indexOf(v.getKey()) + 1;
          WebElement note = item.findElement(By.name("note"));
          note.click();
          note.sendKeys(Keys.TAB); // leave the note field: keys go to the form
          String presses = String.valueOf(key).repeat(v.getValue() ? 1 : 2);
          new org.openqa.selenium.interactions.Actions(browser).sendKeys(presses).perform();
          assertThat(
                  item.findElement(
                          By.cssSelector(
                              "input[name='label." + v.getKey() + "'][value='" + value + "']"))
                      .isSelected())
              .isTrue();
        } else {
          item.findElement(
                  By.cssSelector("input[name='label." + v.getKey() + "'][value='" + value + "']"))
              .click();
        }
      }
      if (i == 0) {
        item.findElement(By.name("note")).sendKeys("sarcasm, not an insult");
      }
      item.findElement(By.cssSelector("button.send")).click();
      // The previous page's #done is still found until the post's answer replaces the page.
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
      wait.until(ExpectedConditions.stalenessOf(item));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("done"), id));
      assertThat(browser.getPageSource())
          .as("a judged comment leaves the queue")
          .doesNotContain("data-comment=\"" + id + "\"");
    }
    return expected;
  }

  private static void pinNeedsConfirmation(
      WebDriver browser, String base, String bootstrap, String releasesTopic, String name)
      throws Exception {
    // Models: pinning t1 needs the confirmation; then t1 is the release again.
    browser.get(base + "models");
    assertThat(browser.findElement(By.id("current")).getText()).isEqualTo("t2");
    screenshot(browser, "models");
    WebElement pin = browser.findElement(By.cssSelector("form[action='/models/pin']"));
    pin.findElement(By.tagName("button")).click();
    assertThat(browser.getCurrentUrl())
        .as("unconfirmed: the browser keeps the form")
        .endsWith("/models");
    pin = browser.findElement(By.cssSelector("form[action='/models/pin']"));
    pin.findElement(By.name("confirm")).click();
    pin.findElement(By.tagName("button")).click();
    assertThat(browser.findElement(By.id("released")).getText()).contains("t1");
    assertThat(ModelReleases.latest(bootstrap, releasesTopic, name).getVersion()).isEqualTo("t1");
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
    return driver;
  }

  private static WebElement form(WebDriver browser, String id) {
    return browser.findElement(By.cssSelector("form.item[data-comment='" + id + "']"));
  }

  /** The console reads the topics in the background: reload until every comment is queued. */
  private static void awaitItems(WebDriver browser, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (browser.findElements(By.cssSelector("form.item")).size() < count
        && System.nanoTime() < deadline) {
      Thread.sleep(300);
      browser.navigate().refresh();
    }
    assertThat(browser.findElements(By.cssSelector("form.item"))).hasSize(count);
  }

  /**
   * Saves a page's screenshot under target/console-screenshots, and also where {@code
   * -Dmodstream.console.screenshots=DIR} says (docs/console for the README's pictures).
   */
  private static void screenshot(WebDriver browser, String page) throws Exception {
    Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path dir = Path.of("target", "console-screenshots");
    Files.createDirectories(dir);
    Files.copy(png, dir.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    String extra = System.getProperty("modstream.console.screenshots");
    if (extra != null) {
      Files.createDirectories(Path.of(extra));
      Files.copy(png, Path.of(extra, page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** One gate decision as the retraining service records it (trainer's Retrainer). */
  private static String decisionLine() {
    return "{\"decided_at\":\"2026-12-01T10:00:00Z\",\"model\":\"tiny\",\"released\":true,"
        + "\"reasons\":[],\"champion\":{\"version\":\"t1\",\"mean_roc_auc\":0.8412,"
        + "\"roc_auc\":{\"toxic\":0.86,\"insult\":0.83}},\"candidate\":{\"version\":\"t2\","
        + "\"mean_roc_auc\":0.8475,\"roc_auc\":{\"toxic\":0.87,\"insult\":0.84}}}\n"
        + "{\"decided_at\":\"2026-12-02T10:00:00Z\",\"model\":\"tiny\",\"released\":false,"
        + "\"reasons\":[\"insult ROC-AUC fell 0.031 (interval wholly below 0)\"],"
        + "\"champion\":{\"version\":\"t2\",\"mean_roc_auc\":0.8475,"
        + "\"roc_auc\":{\"toxic\":0.87,\"insult\":0.84}},\"candidate\":{\"version\":\"t3\","
        + "\"mean_roc_auc\":0.8390,\"roc_auc\":{\"toxic\":0.87,\"insult\":0.809}}}\n";
  }
}
