package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationTest {

  @TempDir Path dir;

  private ScorerConfig config(Object... keyValues) {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put(ScorerConfig.MODEL_PATH, dir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new ScorerConfig(m);
  }

  @Test
  void automaticReplicationIsUpToThreeWithTwoInSyncOnceThereAreThree() {
    assertThat(Replication.auto(1)).isEqualTo(new Replication((short) 1, 1));
    assertThat(Replication.auto(2)).isEqualTo(new Replication((short) 2, 1));
    assertThat(Replication.auto(3)).isEqualTo(new Replication((short) 3, 2));
    assertThat(Replication.auto(7)).isEqualTo(new Replication((short) 3, 2));
    assertThat(Replication.of(config(), 5)).isEqualTo(new Replication((short) 3, 2));
    assertThat(Replication.auto(3).topicConfigs()).containsEntry("min.insync.replicas", "2");
  }

  @Test
  void explicitValuesWinAndMinInSyncFollowsAnExplicitFactor() {
    assertThat(Replication.of(config(ScorerConfig.REPLICATION_FACTOR, "2"), 9))
        .isEqualTo(new Replication((short) 2, 1));
    assertThat(Replication.of(config(ScorerConfig.REPLICATION_FACTOR, "5"), 9))
        .isEqualTo(new Replication((short) 5, 2));
    assertThat(
            Replication.of(
                config(ScorerConfig.REPLICATION_FACTOR, "5", ScorerConfig.MIN_INSYNC_REPLICAS, "3"),
                9))
        .isEqualTo(new Replication((short) 5, 3));
    // an explicit factor needs no broker count: of(cfg) does not reach for the cluster
    assertThat(Replication.of(config(ScorerConfig.REPLICATION_FACTOR, "1")))
        .isEqualTo(new Replication((short) 1, 1));
  }

  @Test
  void minInSyncAboveTheAutomaticFactorNamesBothKeys() {
    ScorerConfig cfg = config(ScorerConfig.MIN_INSYNC_REPLICAS, "2");
    assertThat(Replication.of(cfg, 3)).isEqualTo(new Replication((short) 3, 2));
    assertThatThrownBy(() -> Replication.of(cfg, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min.insync.replicas=2")
        .hasMessageContaining("replication.factor=1")
        .hasMessageContaining("lower min.insync.replicas");
  }
}
