package io.modstream.trainer.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanariesTest {

  @Test
  void theBundledSetHasBenignIdentityMentionsAndAToxicControl() throws Exception {
    Canaries canaries = Canaries.read(null);
    assertThat(canaries.cases()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(canaries.cases()).anyMatch(c -> c.text().contains("gay") && c.expected().isEmpty());
    assertThat(canaries.cases()).anyMatch(c -> c.expected().contains("toxic"));
  }

  @Test
  void failuresNameTheCanaryAndWhatWasFlagged(@TempDir Path dir) throws Exception {
    ModerationModel model = ModerationModel.of(TestData.tinyModel().bundle());
    String toxic = "FUCK YOU you stupid fucking idiot, fuck off and die you piece of shit";
    String benign = "Thank you for adding the citation to the 1998 census figures.";
    assertThat(model.flagged(model.score(List.of(toxic))[0]))
        .as("the tiny model flags plain abuse")
        .contains("toxic");
    Path file = dir.resolve("canaries.csv");
    // Both canaries are written to fail: the abuse is expected clean, the thanks expected toxic.
    Files.writeString(file, "text,expected_flags\n\"" + toxic + "\",\n\"" + benign + "\",toxic\n");
    List<String> failures = Canaries.read(file).failures(model);
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0))
        .startsWith("\"" + toxic + "\" flagged [")
        .contains("toxic")
        .endsWith("expected none");
    assertThat(failures.get(1))
        .startsWith("\"" + benign + "\" flagged ")
        .endsWith("expected [toxic]");
  }
}
