package io.modstream.trainer.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import org.junit.jupiter.api.Test;

class CanariesTest {

  @Test
  void theBundledSetHasBenignIdentityMentionsAndAToxicControl() throws Exception {
    Canaries canaries = Canaries.read(null);
    assertThat(canaries.cases()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(canaries.cases()).anyMatch(c -> c.text().contains("gay") && c.expected().isEmpty());
    assertThat(canaries.cases()).anyMatch(c -> c.expected().contains("toxic"));
  }

  @Test
  void failuresNameTheCanaryAndWhatWasFlagged() throws Exception {
    // The tiny test model flags almost everything, so every benign canary must fail with it.
    ModerationModel model = ModerationModel.of(TestData.tinyModel().bundle());
    Canaries canaries = Canaries.read(null);
    long benign = canaries.cases().stream().filter(c -> c.expected().isEmpty()).count();
    assertThat(canaries.failures(model)).hasSizeGreaterThanOrEqualTo((int) benign - 1)
        .allMatch(f -> f.contains("expected none") || f.contains("expected [toxic]"));
  }
}
