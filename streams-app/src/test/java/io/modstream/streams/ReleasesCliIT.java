package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import io.modstream.trainer.TrainerCli;
import io.modstream.trainer.retrain.ReleaseStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Operators roll back and pin releases from the trainer CLI; a running instance follows. */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("try") // ScoringService.close() may throw InterruptedException
class ReleasesCliIT {

  @Test
  void rollbackAndPinSwapTheRunningInstance(KafkaBrokerExtension.Broker broker, @TempDir Path dir)
      throws Exception {
    String app = "releases-cli-it-" + System.nanoTime();
    ScorerConfig cfg =
        new ScorerConfig(
            ItSupport.scorerSettings(broker.bootstrapServers(), app, dir.resolve("state")));
    TopicSetup.createMissing(
        broker.bootstrapServers(),
        TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()),
        1);
    Path store = dir.resolve("store");
    ReleaseStore releases = new ReleaseStore(store, broker.bootstrapServers(), app + "-releases");
    Path t1 = dir.resolve("t1");
    Path t2 = dir.resolve("t2");
    TestData.tinyModel().bundle().save(t1);
    TestData.trainTiny("t2", 5L).bundle().save(t2);
    releases.release(t1, null);
    releases.release(t2, "t1");

    try (ScoringService instance = new ScoringService(cfg)) {
      instance.start();
      assertThat(version(instance)).isEqualTo("t2");
      String[] common = {
        "--store",
        store.toString(),
        "--bootstrap",
        broker.bootstrapServers(),
        "--topic",
        app + "-releases",
        "--model-name",
        "tiny"
      };

      assertThat(cli("releases", "rollback", common)).contains("released tiny t1 again");
      awaitVersion(instance, "t1");
      assertThat(cli("releases", "list", common)).containsPattern("\\* t1 ").contains("  t2 ");

      assertThat(cli("releases", "pin", "t2", common)).contains("released tiny t2 again");
      awaitVersion(instance, "t2");
      assertThat(
              TrainerCli.commandLine()
                  .execute(concat(new String[] {"releases", "pin", "t9"}, common)))
          .isEqualTo(1);
      assertThat(version(instance)).isEqualTo("t2");
    }
  }

  private static String cli(String command, String action, String[] common) throws Exception {
    return cli(command, action, null, common);
  }

  private static String cli(String command, String action, String arg, String[] common)
      throws Exception {
    String[] head =
        arg == null ? new String[] {command, action} : new String[] {command, action, arg};
    ItSupport.Printed<Integer> run =
        ItSupport.stdoutOf(() -> TrainerCli.commandLine().execute(concat(head, common)));
    assertThat(run.value()).as(run.text()).isZero();
    return run.text();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String version(ScoringService s) {
    return s.models().current().info().version();
  }

  private static void awaitVersion(ScoringService s, String version) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!version(s).equals(version) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(version(s)).isEqualTo(version);
  }
}
