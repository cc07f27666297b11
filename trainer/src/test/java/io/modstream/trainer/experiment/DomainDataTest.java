package io.modstream.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainDataTest {

  @TempDir Path dir;

  static Path olidSample() {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("data/sample/olid-sample.tsv");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("data/sample/olid-sample.tsv not found");
  }

  @Test
  void olidRowsJudgeToxicAndInsultOnlyWithPrefixedIds() throws IOException {
    Path file = dir.resolve("olid.tsv");
    Files.writeString(
        file,
        "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\r\n"
            + "86426\t@USER She should ask\tOFF\tUNT\tNULL\r\n"
            + "90194\t@USER Go home you’re drunk!!!\tOFF\tTIN\tIND\r\n"
            + "16820\tAmazon is investigating\tNOT\tNULL\tNULL\r\n"
            + "62688\t\"@USER Someone should'veTaken\"\" this to a volcano. 😂\"\"\"\tOFF\tUNT"
            + "\tNULL\r\n");
    List<DomainData.Row> rows = DomainData.read(file, DomainData.Format.OLID).rows();
    assertThat(rows)
        .extracting(DomainData.Row::id)
        .containsExactly("olid-86426", "olid-90194", "olid-16820", "olid-62688");
    assertThat(rows.get(0).labels()).isEqualTo(Map.of("toxic", true, "insult", false));
    assertThat(rows.get(1).labels()).isEqualTo(Map.of("toxic", true, "insult", true));
    assertThat(rows.get(2).labels()).isEqualTo(Map.of("toxic", false, "insult", false));
    assertThat(rows.get(3).text())
        .isEqualTo("@USER Someone should'veTaken\" this to a volcano. 😂\"");
  }

  @Test
  void theCommittedOlidSampleReadsWhole() throws IOException {
    DomainData data = DomainData.read(olidSample(), DomainData.Format.OLID);
    assertThat(data.rows()).hasSize(300);
    assertThat(data.rows())
        .allSatisfy(r -> assertThat(r.labels()).containsOnlyKeys("toxic", "insult"));
    assertThat(data.rows().stream().filter(DomainData.Row::toxic).count()).isEqualTo(103);
    assertThat(data.rows().stream().filter(r -> r.labels().get("insult")).count()).isEqualTo(86);
  }

  @Test
  void davidsonClassesMapToToxicAndIdentityHate() throws IOException {
    Path file = dir.resolve("davidson.csv");
    Files.writeString(
        file,
        ",count,hate_speech,offensive_language,neither,class,tweet\n"
            + "0,3,0,0,3,2,\"!!! RT @a: As a woman, you shouldn't\"\n"
            + "1,3,0,3,0,1,!!!!! RT @b: boy dats cold\n"
            + "17,3,2,1,0,0,a hateful tweet\n");
    List<DomainData.Row> rows = DomainData.read(file, DomainData.Format.DAVIDSON).rows();
    assertThat(rows)
        .extracting(DomainData.Row::id)
        .containsExactly("davidson-0", "davidson-1", "davidson-17");
    assertThat(rows.get(0).text()).isEqualTo("!!! RT @a: As a woman, you shouldn't");
    assertThat(rows.get(0).labels()).isEqualTo(Map.of("toxic", false, "identity_hate", false));
    assertThat(rows.get(1).labels()).isEqualTo(Map.of("toxic", true, "identity_hate", false));
    assertThat(rows.get(2).labels()).isEqualTo(Map.of("toxic", true, "identity_hate", true));
  }

  @Test
  void aFileOfTheOtherFormatIsNamedInTheError() throws IOException {
    Path file = dir.resolve("davidson.csv");
    Files.writeString(file, ",count,class,tweet\n0,3,2,hello\n");
    assertThatThrownBy(() -> DomainData.read(file, DomainData.Format.OLID))
        .hasMessageContaining("no column 'id'")
        .hasMessageContaining("--format olid");
    assertThatThrownBy(() -> DomainData.Format.parse("jigsaw"))
        .hasMessageContaining("--format must be olid");
    assertThat(DomainData.Format.parse("Davidson")).isEqualTo(DomainData.Format.DAVIDSON);
  }

  @Test
  void theHoldoutIsStratifiedDisjointAndRepeatable() throws IOException {
    DomainData data = DomainData.read(olidSample(), DomainData.Format.OLID);
    DomainData.Split split = data.split(0.2, 42);
    assertThat(split.holdout()).hasSize(60);
    assertThat(split.holdout().stream().filter(DomainData.Row::toxic).count()).isEqualTo(21);
    Set<String> ids = new HashSet<>();
    split.holdout().forEach(r -> ids.add(r.id()));
    split.pool().forEach(r -> assertThat(ids.add(r.id())).isTrue());
    assertThat(ids).hasSize(300);
    assertThat(data.split(0.2, 42)).isEqualTo(split);
    assertThat(data.split(0.2, 43).pool()).isNotEqualTo(split.pool());
  }

  @Test
  void verdictsComeFromReviewersInTurnAsModeratorDecisions() throws IOException {
    List<DomainData.Row> rows =
        DomainData.read(olidSample(), DomainData.Format.OLID).rows().subList(0, 12);
    Instant start = Instant.parse("2020-01-01T00:00:00Z");
    List<Feedback> verdicts = Verdicts.of(rows, 10, start);
    assertThat(verdicts)
        .extracting(Feedback::getReviewerId)
        .startsWith("reviewer-0", "reviewer-1")
        .contains("reviewer-9")
        .endsWith("reviewer-0", "reviewer-1");
    assertThat(verdicts)
        .allSatisfy(f -> assertThat(f.getSource()).isEqualTo(FeedbackSource.MODERATOR_DECISION));
    assertThat(verdicts.get(11).getCreatedAt()).isAfter(verdicts.get(10).getCreatedAt());
    assertThat(verdicts.get(3).getLabels()).isEqualTo(rows.get(3).labels());
    assertThat(verdicts.get(3).getCommentId()).isEqualTo(rows.get(3).id());
  }
}
