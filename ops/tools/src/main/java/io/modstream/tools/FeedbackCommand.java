package io.modstream.tools;

import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import io.modstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code feedback}: publishes human verdicts from a labelled CSV as {@link Feedback} records. */
@Command(
    name = "feedback",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Publishes moderator verdicts: a Jigsaw-format CSV (id,comment_text,<label>...) becomes one",
      "Feedback record per row, keyed by comment id (the latest verdict per comment wins)."
    })
public final class FeedbackCommand implements Callable<Integer> {

  @Option(
      names = "--file",
      required = true,
      paramLabel = "FILE",
      description = "Labelled CSV (plain or gzip).")
  Path file;

  @Option(names = "--topic", description = "Feedback topic.")
  String topic = Topics.COMMENT_FEEDBACK.name();

  @Mixin BrokerOptions broker;

  @Option(
      names = "--source",
      description = "Where the verdicts come from: ${COMPLETION-CANDIDATES}.")
  FeedbackSource source = FeedbackSource.MODERATOR_DECISION;

  @Option(
      names = "--reviewer",
      description =
          "Reviewer id recorded on every verdict (per-reviewer caps apply in retraining).")
  String reviewer = "moderator-1";

  @Option(names = "--limit", description = "Publish at most this many rows; 0 = all.")
  int limit;

  @Override
  public Integer call() throws Exception {
    LabelledDataset data = LabelledCsv.read(file);
    Map<String, Object> connection = broker.connect(BrokerOptions.Access.PRODUCE);
    int n = 0;
    ToolProducers.Failures outcome = new ToolProducers.Failures();
    try (KafkaProducer<String, Feedback> p =
        new KafkaProducer<>(
            ToolProducers.settings(connection, Map.of()),
            Topics.COMMENT_FEEDBACK.keySerde().serializer(),
            Topics.COMMENT_FEEDBACK.valueSerde().serializer())) {
      for (LabelledComment row : data.rows()) {
        if (limit > 0 && n >= limit) {
          break;
        }
        Map<String, Boolean> labels = new LinkedHashMap<>();
        for (int j = 0; j < data.labels().size(); j++) {
          labels.put(data.labels().get(j), row.label(j));
        }
        p.send(
            new ProducerRecord<>(
                topic,
                row.id(),
                Feedback.newBuilder()
                    .setCommentId(row.id())
                    .setText(row.text())
                    .setLabels(labels)
                    .setSource(source)
                    .setReviewerId(reviewer)
                    .setCreatedAt(Instant.now())
                    .build()),
            outcome);
        n++;
      }
    }
    outcome.check(n, "verdicts", topic);
    System.err.printf("published %d verdicts to %s%n", n, topic);
    return 0;
  }
}
