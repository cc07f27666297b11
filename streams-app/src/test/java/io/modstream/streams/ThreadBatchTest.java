package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.CommentReader;
import io.modstream.schemas.LabelEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tasks on one stream thread: when one task's batch is due, the other's waiting comments are
 * scored in the same call, and each task forwards only its own events, when it next runs.
 */
class ThreadBatchTest {

  @TempDir static Path dir;
  static ModelHolder models;
  private static final AvroCodec<Comment> COMMENTS = AvroCodec.of(Comment.class);
  private static final long WAIT_MS = 100;
  private static final Map<String, String> SINKS =
      Map.of(
          "toxic",
          "flagged-toxic-sink",
          "severe_toxic",
          "flagged-severe_toxic-sink",
          "obscene",
          "flagged-obscene-sink",
          "threat",
          "flagged-threat-sink",
          "insult",
          "flagged-insult-sink",
          "identity_hate",
          "flagged-identity_hate-sink");

  private static Record<String, byte[]> comment(String id, String text) {
    Comment c =
        Comment.newBuilder().setCommentId(id).setText(text).setCreatedAt(Instant.EPOCH).build();
    return new Record<>(id, COMMENTS.encode(c), 5L);
  }

  @BeforeAll
  static void model() throws Exception {
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    models = new ModelHolder(ModerationModel.of(ModelBundle.load(modelDir)));
  }

  /** A scoring processor of one task, with its own store and mock context. */
  private record Task(
      ScoringProcessor processor,
      MockProcessorContext<String, Object> context,
      KeyValueStore<Long, byte[]> store) {
    static Task start(int partition) {
      MockProcessorContext<String, Object> context =
          new MockProcessorContext<>(
              new Properties(),
              new TaskId(0, partition),
              dir.resolve("state-" + partition).toFile());
      context.setCurrentSystemTimeMs(1_000);
      KeyValueStore<Long, byte[]> store =
          Stores.keyValueStoreBuilder(
                  Stores.inMemoryKeyValueStore(ScoringTopology.BUFFER_STORE),
                  Serdes.Long(),
                  Serdes.ByteArray())
              .withLoggingDisabled()
              .build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
      ScoringProcessor processor =
          new ScoringProcessor(
              models, new CommentReader(null), 3, WAIT_MS, 10_000, SINKS, ScoringMetrics.off());
      processor.init(context);
      return new Task(processor, context, store);
    }

    void send(String id, String text) {
      processor.process(comment(id, text));
    }

    void tick(long now) {
      context.setCurrentSystemTimeMs(now);
      context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
    }

    List<LabelEvent> events() {
      return context.forwarded(ScoringTopology.LABELS_SINK).stream()
          .map(f -> (LabelEvent) f.record().value())
          .toList();
    }

    long buffered() {
      return store.approximateNumEntries();
    }
  }

  @Test
  void aDueBatchCarriesTheOtherTasksWaitingCommentsAndEachTaskForwardsItsOwn() throws Exception {
    int membersBefore = ThreadBatch.ofCurrentThread().size();
    Task a = Task.start(0);
    Task b = Task.start(1);
    try {
      a.send("a1", "you are a wonderful person");
      // b's comments arrive later: their own wait is not up when a's batch is due
      b.context().setCurrentSystemTimeMs(1_050);
      b.send("b1", "what an idiot, shut up");
      b.send("b2", "thanks for the edit");
      assertThat(ThreadBatch.ofCurrentThread().size()).isEqualTo(membersBefore + 2);

      // nothing is due yet
      a.tick(1_050);
      assertThat(a.events()).isEmpty();

      // a's comment has waited long enough: one call scores a1, b1 and b2; a forwards a1 only
      a.tick(1_000 + WAIT_MS);
      assertThat(a.events()).extracting(LabelEvent::getCommentId).containsExactly("a1");
      assertThat(a.buffered()).isZero();
      assertThat(b.events()).isEmpty();
      assertThat(b.buffered()).isEqualTo(2);

      // b forwards its already scored comments the next time it runs, before its own wait is up
      b.tick(1_000 + WAIT_MS + 1);
      assertThat(b.events()).extracting(LabelEvent::getCommentId).containsExactly("b1", "b2");
      assertThat(b.buffered()).isZero();
      // decided at the call a started, so b's events carry that call's time and model
      assertThat(b.events())
          .allSatisfy(
              e -> {
                assertThat(e.getDecidedAt()).isEqualTo(Instant.ofEpochMilli(1_000 + WAIT_MS));
                assertThat(e.getModelVersion()).isEqualTo(models.current().info().version());
              });
      // scored together, the same scores as alone
      float[] alone = models.current().score(List.of("what an idiot, shut up"))[0];
      List<String> labels = models.current().labels();
      for (int j = 0; j < labels.size(); j++) {
        assertThat(b.events().get(0).getScores().get(labels.get(j)))
            .isCloseTo(alone[j], within(1e-5));
      }
    } finally {
      a.processor().close();
      b.processor().close();
    }
    assertThat(ThreadBatch.ofCurrentThread().size()).isEqualTo(membersBefore);
  }

  @Test
  void aTaskThatIsClosedIsNoLongerScoredByTheOthers() {
    int membersBefore = ThreadBatch.ofCurrentThread().size();
    Task a = Task.start(0);
    Task b = Task.start(1);
    try {
      b.send("b1", "hello there");
      b.processor().close();
      a.send("a1", "good morning");
      a.tick(1_000 + WAIT_MS);
      assertThat(a.events()).extracting(LabelEvent::getCommentId).containsExactly("a1");
      // b's comment stays in its store (the changelog), for whichever task instance restores it
      assertThat(b.buffered()).isEqualTo(1);
      assertThat(ThreadBatch.ofCurrentThread().size()).isEqualTo(membersBefore + 1);
    } finally {
      a.processor().close();
    }
  }

  @Test
  void aRestartedTaskScoresWhatItsStoreHeld() {
    Task a = Task.start(0);
    a.send("a1", "first");
    a.send("a2", "second");
    a.processor().close();
    // the same store, a new processor: as after a restart that restored the changelog
    ScoringProcessor again =
        new ScoringProcessor(
            models, new CommentReader(null), 3, WAIT_MS, 10_000, SINKS, ScoringMetrics.off());
    a.context().resetForwards();
    again.init(a.context());
    try {
      // the third comment fills the batch of 3: the two restored ones are scored with it, in order
      again.process(comment("a3", "third"));
      assertThat(a.context().forwarded(ScoringTopology.LABELS_SINK))
          .extracting(f -> ((LabelEvent) f.record().value()).getCommentId())
          .containsExactly("a1", "a2", "a3");
      assertThat(a.buffered()).isZero();
    } finally {
      again.close();
    }
  }
}
