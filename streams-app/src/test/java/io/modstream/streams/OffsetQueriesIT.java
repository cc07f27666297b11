package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.schemas.ModelReleases;
import io.modstream.trainer.retrain.FeedbackLog;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code trainer serve}'s feedback count (every 10 s) gives the right count without a warning per
 * partition (the tools' {@code count} shares its {@code ModelReleases.recordCount}): kafka-clients
 * 4.0-4.3 log "Not updating last stable offset for partition ... as it is no longer assigned" for
 * every offset listed by a consumer that has not assigned the partition (KAFKA-20449), which filled
 * the local stack's trainer log at every count.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OffsetQueriesIT {

  @Test
  void countsATopicWithoutAWarningPerPartition(KafkaBrokerExtension.Broker broker)
      throws Exception {
    String topic =
        ItSupport.topicWithRecords(broker.bootstrapServers(), "offset-queries-it-", 3, 7);

    ItSupport.Printed<Long> feedbackSize =
        ItSupport.stderrOf(
            () ->
                FeedbackLog.size(
                    ModelReleases.connection(broker.bootstrapServers()),
                    topic,
                    Duration.ofSeconds(30)));
    assertThat(feedbackSize.value()).isEqualTo(7L);
    assertThat(feedbackSize.text()).doesNotContain("no longer assigned");
  }
}
