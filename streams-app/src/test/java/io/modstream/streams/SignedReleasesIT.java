package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.ModelBundle;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.ReleaseSigning;
import io.modstream.schemas.SigningKey;
import io.modstream.trainer.TrainerCli;
import io.modstream.trainer.retrain.ReleaseStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance that trusts two keys serves a release signed by the first; releases written straight
 * to the topic, signed by an untrusted key or not at all, are refused before their bundle is
 * touched and the served model stays; a release signed by the second key (a key rotation) is
 * served.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("try") // ScoringService.close() may throw InterruptedException
class SignedReleasesIT {

  @Test
  void forgedAndUnsignedReleasesAreRefusedAndARotatedKeyIsAccepted(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    String bootstrap = broker.bootstrapServers();
    String app = "signed-it-" + System.nanoTime();
    String topic = app + "-releases";
    ReleaseSigning.KeyFiles old = ReleaseSigning.generate(dir.resolve("keys"), "old");
    ReleaseSigning.KeyFiles rotated = ReleaseSigning.generate(dir.resolve("keys"), "new");
    SigningKey attacker =
        SigningKey.read(ReleaseSigning.generate(dir.resolve("elsewhere"), "attacker").privateKey());

    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
    settings.put(ScorerConfig.MODEL_TRUSTED_KEYS, old.publicKey() + "," + rotated.publicKey());
    ScorerConfig cfg = new ScorerConfig(settings);
    assertThat(cfg.signaturesRequired()).as("required by default once keys are set").isTrue();
    TopicSetup.createMissing(
        bootstrap, TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()), 1);

    Path store = dir.resolve("store");
    Path t1 = dir.resolve("t1");
    Path t2 = dir.resolve("t2");
    TestData.tinyModel().bundle().save(t1);
    TestData.trainTiny("t2", 5L).bundle().save(t2);
    ItSupport.Printed<Integer> released =
        ItSupport.stdoutOf(
            () ->
                TrainerCli.commandLine()
                    .execute(
                        "release",
                        "--model",
                        t1.toString(),
                        "--store",
                        store.toString(),
                        "--bootstrap",
                        bootstrap,
                        "--topic",
                        topic,
                        "--signing-key",
                        old.privateKey().toString()));
    assertThat(released.value()).as(released.text()).isZero();
    assertThat(released.text())
        .contains("released tiny t1")
        .contains("signed by key " + old.keyId());
    ModelRelease first = ModelReleases.latest(bootstrap, topic, "tiny");
    assertThat(first.getKeyId()).isEqualTo(old.keyId());

    try (ScoringService instance = new ScoringService(cfg)) {
      instance.start();
      assertThat(version(instance)).as("the signed latest release").isEqualTo("t1");
      ReleaseFollower follower = instance.follower();

      // A valid bundle, released by someone who can write to the topic but holds no trusted key.
      Path forgedDir = store.resolve("tiny").resolve("t2");
      String digest = ModelBundle.copy(t2, forgedDir);
      ModelRelease forged = attacker.sign(release("t2", forgedDir.toUri().toString(), digest));
      ModelReleases.publish(bootstrap, topic, forged);
      await(() -> follower.untrusted() == 1);
      assertThat(follower.lastRefused())
          .startsWith("t2: ")
          .contains("signed by key " + attacker.keyId() + ", which is not trusted");
      assertThat(version(instance)).isEqualTo("t1");

      // Unsigned, pointing nowhere: refused for the missing signature, so the bundle was never
      // looked for.
      ModelReleases.publish(
          bootstrap, topic, release("t3", dir.resolve("nowhere").toUri().toString(), digest));
      await(() -> follower.untrusted() == 2);
      assertThat(follower.lastRefused()).startsWith("t3: ").contains("is unsigned");

      // A trusted signature over other values: the version changed after signing.
      ModelRelease altered =
          SigningKey.read(old.privateKey())
              .sign(release("t2", forgedDir.toUri().toString(), digest));
      altered.setVersion("t4");
      ModelReleases.publish(bootstrap, topic, altered);
      await(() -> follower.untrusted() == 3);
      assertThat(follower.lastRefused()).startsWith("t4: ").contains("changed after signing");
      assertThat(version(instance)).isEqualTo("t1");
      assertThat(follower.swaps()).isZero();

      // Key rotation: the second trusted key signs the next release, which is served.
      ModelRelease next =
          new ReleaseStore(
                  dir.resolve("store-2"),
                  bootstrap,
                  topic,
                  null,
                  SigningKey.read(rotated.privateKey()))
              .release(t2, "t1");
      assertThat(next.getKeyId()).isEqualTo(rotated.keyId());
      await(() -> version(instance).equals("t2"));
      assertThat(follower.swaps()).isEqualTo(1);
      assertThat(follower.untrusted()).isEqualTo(3);
      assertThat(follower.refused()).isEqualTo(3);
      // The counts as operators see them, over JMX.
      MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
      List<Object> untrusted = new ArrayList<>();
      List<Object> swaps = new ArrayList<>();
      for (ObjectName name :
          jmx.queryNames(new ObjectName("modstream:type=release-follower-metrics,*"), null)) {
        untrusted.add(jmx.getAttribute(name, "release-untrusted-total"));
        swaps.add(jmx.getAttribute(name, "release-swaps-total"));
      }
      assertThat(untrusted).contains(3.0);
      assertThat(swaps).contains(1.0);

      // The first release's own record, trusted signature and all, published again: a replay
      // that would roll every instance back to t1.
      ModelReleases.publish(bootstrap, topic, first);
      await(() -> follower.untrusted() == 4);
      assertThat(follower.lastRefused()).startsWith("t1: ").contains("a replayed record");
      assertThat(version(instance)).isEqualTo("t2");
    }
  }

  @Test
  void anInstanceStartingBehindAForgedLatestReleaseServesTheNewestThatVerifies(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    String bootstrap = broker.bootstrapServers();
    String app = "signed-start-it-" + System.nanoTime();
    String topic = app + "-releases";
    ReleaseSigning.KeyFiles trusted = ReleaseSigning.generate(dir.resolve("keys"), "trusted");
    SigningKey key = SigningKey.read(trusted.privateKey());
    SigningKey attacker =
        SigningKey.read(ReleaseSigning.generate(dir.resolve("elsewhere"), "attacker").privateKey());
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
    settings.put(ScorerConfig.MODEL_TRUSTED_KEYS, trusted.publicKey().toString());
    ScorerConfig cfg = new ScorerConfig(settings);
    TopicSetup.createMissing(
        bootstrap, TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()), 1);

    Path t1 = dir.resolve("t1");
    Path t2 = dir.resolve("t2");
    TestData.tinyModel().bundle().save(t1);
    TestData.trainTiny("t2", 5L).bundle().save(t2);
    new ReleaseStore(dir.resolve("store"), bootstrap, topic, null, key).release(t1, null);
    // Newer records than t1, none of which may be served: forged by an untrusted key, unsigned,
    // and signed by the trusted key over a digest its bundle does not have.
    Path forgedDir = dir.resolve("store").resolve("tiny").resolve("t2");
    String digest = ModelBundle.copy(t2, forgedDir);
    String uri = forgedDir.toUri().toString();
    ModelReleases.publish(bootstrap, topic, attacker.sign(release("t2", uri, digest)));
    ModelReleases.publish(bootstrap, topic, release("t3", uri, digest));
    ModelReleases.publish(bootstrap, topic, key.sign(release("t4", uri, "0".repeat(64))));
    assertThat(ModelReleases.latest(bootstrap, topic, "tiny").getVersion()).isEqualTo("t4");

    try (ScoringService instance = new ScoringService(cfg)) {
      assertThat(version(instance)).as("the newest release that verifies").isEqualTo("t1");
      ReleaseFollower follower = instance.follower();
      assertThat(follower.refused()).as("t4, t3 and t2 refused at start").isEqualTo(3);
      assertThat(follower.untrusted()).as("t3 and t2 for their signature").isEqualTo(2);
      assertThat(follower.lastRefused()).startsWith("t4: ");
      instance.start();
      // Still following: a genuine new release is served.
      new ReleaseStore(dir.resolve("store-2"), bootstrap, topic, null, key).release(t2, "t1");
      await(() -> version(instance).equals("t2"));
    }

    // Nothing on the topic verifies: the start fails and says how to fix it.
    String forgedOnly = app + "-forged-releases";
    Map<String, Object> other = new HashMap<>(settings);
    other.put(ScorerConfig.RELEASES_TOPIC, forgedOnly);
    ScorerConfig otherCfg = new ScorerConfig(other);
    TopicSetup.createMissing(
        bootstrap, TopicSetup.specs(otherCfg, TestData.tinyModel().bundle().info().labels()), 1);
    ModelReleases.publish(bootstrap, forgedOnly, attacker.sign(release("t2", uri, digest)));
    assertThatThrownBy(() -> new ScoringService(otherCfg).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("none of the 1 releases of 'tiny'")
        .hasMessageContaining("t2: ")
        .hasMessageContaining("model.trusted.keys");
  }

  private static ModelRelease release(String version, String uri, String digest) {
    return ModelRelease.newBuilder()
        .setModelName("tiny")
        .setVersion(version)
        .setBundleUri(uri)
        .setBundleSha256(digest)
        .setCreatedAt(Instant.now())
        .build();
  }

  private static String version(ScoringService s) {
    return s.models().current().info().version();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(200);
    }
  }
}
