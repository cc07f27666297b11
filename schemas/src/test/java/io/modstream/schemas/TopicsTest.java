package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The topic catalogue is a contract with every producer and consumer: names and formats. */
class TopicsTest {

  @Test
  void theDefaultNamesAreThePublishedOnes() {
    assertThat(
            List.of(
                Topics.COMMENTS.name(),
                Topics.COMMENT_LABELS.name(),
                Topics.DEAD_LETTERS.name(),
                Topics.COMMENT_FEEDBACK.name(),
                Topics.MODEL_RELEASES.name(),
                Topics.MODEL_BUNDLES.name()))
        .containsExactly(
            "comments",
            "comment-labels",
            "comments-dlq",
            "comment-feedback",
            "model-releases",
            "model-bundles");
    assertThat(Topics.flagged(Topics.FLAGGED_PREFIX, "threat").name())
        .isEqualTo("comments-flagged-threat");
  }

  @Test
  void commentKeyedTopicsFollowThePipelinesPartitionsAndTheOthersHaveOne() {
    assertThat(Topics.COMMENTS.partitions(6)).isEqualTo(6);
    assertThat(Topics.COMMENT_FEEDBACK.partitions(6)).isEqualTo(6);
    assertThat(Topics.MODEL_RELEASES.partitions(6)).isEqualTo(1);
    assertThat(Topics.DEAD_LETTERS.partitions(6)).isEqualTo(1);
    assertThat(Topics.COMMENT_FEEDBACK.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.COMMENTS.configs())
        .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
  }

  @Test
  void aTopicsSerdesRoundTripItsRecords() {
    Comment c =
        Comment.newBuilder()
            .setCommentId("c1")
            .setText("hello")
            .setCreatedAt(Instant.EPOCH)
            .build();
    byte[] bytes = Topics.COMMENTS.valueSerde().serializer().serialize(Topics.COMMENTS.name(), c);
    assertThat(
            Topics.COMMENTS.valueSerde().deserializer().deserialize(Topics.COMMENTS.name(), bytes))
        .isEqualTo(c);
    assertThat(
            Topics.COMMENTS
                .keySerde()
                .deserializer()
                .deserialize(
                    "comments",
                    Topics.COMMENTS.keySerde().serializer().serialize("comments", "c1")))
        .isEqualTo("c1");
  }

  @Test
  void aRenamedTopicKeepsItsFormatAndSettings() {
    TopicSpec<Feedback> renamed = Topics.COMMENT_FEEDBACK.withName("verdicts");
    assertThat(renamed.name()).isEqualTo("verdicts");
    assertThat(renamed.valueSerde()).isSameAs(Topics.COMMENT_FEEDBACK.valueSerde());
    assertThat(renamed.configs()).isEqualTo(Topics.COMMENT_FEEDBACK.configs());
    assertThatThrownBy(() -> Topics.COMMENTS.withName(" ")).hasMessageContaining("needs a name");
  }
}
