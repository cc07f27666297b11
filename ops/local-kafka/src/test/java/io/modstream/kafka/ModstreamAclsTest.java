package io.modstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.kafka.ModstreamAcls.Topics;
import org.junit.jupiter.api.Test;

class ModstreamAclsTest {

  @Test
  void onlyTheTrainerMayWriteReleasesAndBundles() {
    Topics t = Topics.defaults();
    assertThat(
            ModstreamAcls.describe(ModstreamAcls.streamsApp("User:scorer", "modstream-scorer", t)))
        .contains("User:scorer ALLOW READ on TOPIC LITERAL 'model-releases'")
        .noneMatch(l -> l.contains("WRITE on TOPIC LITERAL 'model-"));
    assertThat(ModstreamAcls.describe(ModstreamAcls.producer("User:producer", t)))
        .noneMatch(l -> l.contains("'model-"));
    assertThat(ModstreamAcls.describe(ModstreamAcls.trainer("User:trainer", t)))
        .contains(
            "User:trainer ALLOW WRITE on TOPIC LITERAL 'model-releases'",
            "User:trainer ALLOW WRITE on TOPIC LITERAL 'model-bundles'");
  }

  @Test
  void refusesASharedTopicUnderTheAppsInternalPrefix() {
    Topics t =
        new Topics(
            "comments",
            "comment-labels",
            "comments-flagged-",
            "comments-dlq",
            "comment-feedback",
            "modstream-scorer-releases",
            "model-bundles");
    assertThatThrownBy(() -> ModstreamAcls.streamsApp("User:scorer", "modstream-scorer", t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modstream-scorer-releases")
        .hasMessageContaining("change application.id");
  }
}
