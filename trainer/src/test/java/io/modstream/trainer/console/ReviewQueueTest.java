package io.modstream.trainer.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.schemas.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewQueueTest {

  @Test
  void theExplainedWordsAreMarkedAsWholeWordsInAnyCase() {
    List<ReviewQueue.Segment> s =
        ReviewQueue.segments(
            "You IDIOT, idiotic <b>idiot</b>",
            Map.of(
                "insult", List.of(new Span("idiot", 2.0), new Span("you", -0.5)),
                "toxic", List.of(new Span("idiot", 1.0))));
    assertThat(s.stream().filter(ReviewQueue.Segment::hit).map(ReviewQueue.Segment::text))
        .containsExactly("IDIOT", "idiot");
    assertThat(s.stream().filter(ReviewQueue.Segment::hit).findFirst().orElseThrow().labels())
        .contains("insult")
        .contains("toxic");
    assertThat(String.join("", s.stream().map(ReviewQueue.Segment::text).toList()))
        .as("the runs are the text, markup and all, for the template to escape")
        .isEqualTo("You IDIOT, idiotic <b>idiot</b>");
  }

  @Test
  void withoutExplanationsTheTextIsOneRun() {
    assertThat(ReviewQueue.segments("<script>x</script>", Map.of()))
        .containsExactly(new ReviewQueue.Segment("<script>x</script>", false, ""));
  }
}
