package io.modstream.schemas;

import java.util.Locale;
import java.util.Map;

/**
 * The services' log format, {@code MODSTREAM_LOG_FORMAT}: {@code text} (the default; slf4j-simple,
 * one short line per event) or {@code json} (log4j 2's JSON template layout: one JSON object per
 * line with timestamp, level, logger, thread, message, exception and the MDC keys {@link
 * #MODEL_VERSION} and {@link #TASK_ID}). Both backends ship in the service jars; {@link #select}
 * picks one through SLF4J's {@code slf4j.provider} property, so it must run before the first logger
 * is created.
 */
public final class LogFormat {

  /** The environment variable that picks the format. */
  public static final String ENV = "MODSTREAM_LOG_FORMAT";

  /** MDC key: the version of the model scoring, swapped to or refused. */
  public static final String MODEL_VERSION = "model_version";

  /** MDC key: the Kafka Streams task (input partition) at work. */
  public static final String TASK_ID = "task_id";

  static final String PROVIDER = "slf4j.provider";
  static final String TEXT_PROVIDER = "org.slf4j.simple.SimpleServiceProvider";
  static final String JSON_PROVIDER = "org.apache.logging.slf4j.SLF4JServiceProvider";
  static final String LOG4J_CONFIG = "log4j2.configurationFile";
  static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

  /** The log4j 2 configuration of the JSON format, on the class path. */
  static final String JSON_CONFIG = "modstream-log4j2-json.xml";

  private LogFormat() {}

  /**
   * {@link #select} for a main class's static initializer, which must not throw: the problem is
   * returned for {@code main} to report, and the text format is kept.
   *
   * @param env the environment
   * @return null, or why the variable's value is not a format
   */
  public static String selectOrExplain(Map<String, String> env) {
    try {
      select(env);
      return null;
    } catch (IllegalArgumentException e) {
      select(Map.of());
      return e.getMessage();
    }
  }

  /**
   * Picks the SLF4J backend for {@code MODSTREAM_LOG_FORMAT}; a {@code -Dslf4j.provider} or {@code
   * -Dlog4j2.configurationFile} given on the command line is kept.
   *
   * @param env the environment
   * @return the format picked, "text" or "json"
   * @throws IllegalArgumentException if the variable holds neither
   */
  public static String select(Map<String, String> env) {
    String format = env.getOrDefault(ENV, "text").strip().toLowerCase(Locale.ROOT);
    // SLF4J reports a provider named by slf4j.provider on stderr, a line that is neither format.
    System.getProperties().putIfAbsent(SLF4J_VERBOSITY, "WARN");
    switch (format) {
      case "", "text" -> {
        System.getProperties().putIfAbsent(PROVIDER, TEXT_PROVIDER);
        return "text";
      }
      case "json" -> {
        System.getProperties().putIfAbsent(PROVIDER, JSON_PROVIDER);
        System.getProperties().putIfAbsent(LOG4J_CONFIG, JSON_CONFIG);
        return "json";
      }
      default ->
          throw new IllegalArgumentException(
              ENV
                  + "="
                  + env.get(ENV)
                  + " is not a log format; set it to text (the default) or json");
    }
  }
}
