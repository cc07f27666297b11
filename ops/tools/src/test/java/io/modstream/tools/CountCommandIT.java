package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.streams.ItSupport;
import io.modstream.streams.KafkaBrokerExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code count} prints a topic's record count without a warning per partition: kafka-clients
 * 4.0-4.3 log "Not updating last stable offset for partition ... as it is no longer assigned" for
 * every offset listed by a consumer that has not assigned the partition (KAFKA-20449).
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CountCommandIT {

  @Test
  void countsATopicWithoutAWarningPerPartition(KafkaBrokerExtension.Broker broker)
      throws Exception {
    String topic = ItSupport.topicWithRecords(broker.bootstrapServers(), "count-it-", 3, 7);

    ItSupport.Printed<ItSupport.Printed<Integer>> count =
        ItSupport.stderrOf(
            () ->
                ItSupport.stdoutOf(
                    () ->
                        ToolsCli.commandLine()
                            .execute(
                                "count",
                                "--topic",
                                topic,
                                "--bootstrap",
                                broker.bootstrapServers())));
    assertThat(count.value().value()).isZero();
    assertThat(count.value().text().trim()).isEqualTo("7");
    assertThat(count.text()).doesNotContain("no longer assigned");
  }
}
