package io.modstream.trainer.console;

import io.modstream.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the console serves and where it reads and writes.
 *
 * @param connection the Kafka cluster's connection settings ({@code bootstrap.servers}, security)
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param users the reviewers who may sign in, or null when a fronting proxy names them
 * @param proxyUserHeader the request header a fronting proxy puts the signed-in reviewer in, or
 *     null to use {@code users}
 * @param topics the topics read and written
 * @param modelName the model whose releases the models page shows
 * @param store the release store directory (versions, thresholds, pin and roll back), or null
 * @param decisions the retraining service's decisions file, or null
 * @param uncertainty how close to a threshold an unflagged score must be to queue its comment
 * @param maxComments the most comments kept in memory (the oldest leave first)
 */
public record ConsoleSettings(
    Map<String, ?> connection,
    String host,
    int port,
    Users users,
    String proxyUserHeader,
    TopicNames topics,
    String modelName,
    Path store,
    Path decisions,
    double uncertainty,
    int maxComments) {

  /**
   * The topics the console reads and writes.
   *
   * @param comments comments
   * @param labels label events
   * @param flaggedPrefix prefix of the per-label topics
   * @param feedback verdicts (read and written)
   * @param releases model releases
   */
  public record TopicNames(
      String comments, String labels, String flaggedPrefix, String feedback, String releases) {

    /**
     * Returns the default topic names.
     *
     * @return the defaults of {@link Topics}
     */
    public static TopicNames defaults() {
      return new TopicNames(
          Topics.COMMENTS.name(),
          Topics.COMMENT_LABELS.name(),
          Topics.FLAGGED_PREFIX,
          Topics.COMMENT_FEEDBACK.name(),
          Topics.MODEL_RELEASES.name());
    }
  }

  /** Checks the settings. */
  public ConsoleSettings {
    connection = Map.copyOf(connection);
    if ((users == null) == (proxyUserHeader == null || proxyUserHeader.isBlank())) {
      throw new IllegalArgumentException(
          "give the console either a users file (--users) or the header a fronting proxy signs"
              + " reviewers in with (--proxy-user-header), not both or neither");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be 0-65535, got " + port);
    }
    if (!(uncertainty >= 0 && uncertainty <= 1)) {
      throw new IllegalArgumentException("--uncertainty must be in [0, 1], got " + uncertainty);
    }
    if (maxComments < 1) {
      throw new IllegalArgumentException("--max-comments must be at least 1");
    }
  }
}
