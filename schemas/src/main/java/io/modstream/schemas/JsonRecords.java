package io.modstream.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of the records that clients in any language read and write: a UTF-8 object whose
 * fields are the Avro schema's, by the same names ({@code comment_id}, {@code text}, ...), with
 * timestamps as milliseconds since the Unix epoch. Fields the schema does not have are ignored, so
 * a producer may add its own. Thread-safe.
 */
public final class JsonRecords {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonRecords() {}

  /**
   * Reads a comment from its JSON form. {@code text} is required; {@code comment_id} may be left
   * out when the record key holds it; {@code created_at} (milliseconds, or an ISO-8601 instant in
   * UTC, {@code YYYY-MM-DDThh:mm:ssZ}) defaults to the record's timestamp; {@code author_id},
   * {@code channel} and {@code language} are optional strings or null; {@code metadata} is an
   * optional object of string values.
   *
   * @param json the value bytes
   * @param key the record key, or null
   * @param timestampMs the record timestamp, used when {@code created_at} is absent
   * @return the comment
   * @throws RecordDecodingException {@code INVALID_JSON} when the bytes are not a UTF-8 JSON
   *     object, {@code INVALID_FIELD} naming the field when a field is missing or mistyped
   */
  public static Comment comment(byte[] json, String key, long timestampMs) {
    JsonNode root = parseObject(json, "Comment");
    String id = optionalString(root, "comment_id");
    if (id == null) {
      if (key == null) {
        throw invalid("comment_id", "is missing and the record has no key: set one of them");
      }
      id = key;
    }
    String text = optionalString(root, "text");
    if (text == null) {
      throw invalid("text", "is missing: every comment needs its text as a string");
    }
    return Comment.newBuilder()
        .setCommentId(id)
        .setText(text)
        .setAuthorId(optionalString(root, "author_id"))
        .setChannel(optionalString(root, "channel"))
        .setLanguage(optionalString(root, "language"))
        .setCreatedAt(Instant.ofEpochMilli(instantMs(root, "created_at", timestampMs)))
        .setMetadata(stringMap(root, "metadata"))
        .build();
  }

  /**
   * Writes a comment in the JSON form {@link #comment(byte[], String, long)} reads: absent optional
   * fields are left out.
   *
   * @param comment the comment
   * @return UTF-8 JSON bytes
   */
  public static byte[] comment(Comment comment) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("comment_id", comment.getCommentId());
    o.put("text", comment.getText());
    putIfPresent(o, "author_id", comment.getAuthorId());
    putIfPresent(o, "channel", comment.getChannel());
    putIfPresent(o, "language", comment.getLanguage());
    o.put("created_at", comment.getCreatedAt().toEpochMilli());
    if (!comment.getMetadata().isEmpty()) {
      ObjectNode m = o.putObject("metadata");
      comment.getMetadata().forEach(m::put);
    }
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new RecordEncodingException("cannot write a comment as JSON: " + e, e);
    }
  }

  private static void putIfPresent(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  /**
   * Writes a label event as JSON: {@code comment_id}, {@code model_name}, {@code model_version},
   * {@code scores} (label to score), {@code flagged} (labels), {@code decided_at} (milliseconds),
   * {@code scoring_latency_micros} and, when there are any, {@code explanations} (label to an array
   * of {@code {"text", "weight"}}).
   *
   * @param event the event
   * @return UTF-8 JSON bytes
   */
  public static byte[] labelEvent(LabelEvent event) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("comment_id", event.getCommentId());
    o.put("model_name", event.getModelName());
    o.put("model_version", event.getModelVersion());
    ObjectNode scores = o.putObject("scores");
    event.getScores().forEach((label, score) -> scores.put(label, score));
    ArrayNode flagged = o.putArray("flagged");
    event.getFlagged().forEach(flagged::add);
    o.put("decided_at", event.getDecidedAt().toEpochMilli());
    o.put("scoring_latency_micros", event.getScoringLatencyMicros());
    if (event.getExplanations() != null) {
      ObjectNode explanations = o.putObject("explanations");
      event
          .getExplanations()
          .forEach(
              (label, spans) -> {
                ArrayNode a = explanations.putArray(label);
                for (Span span : spans) {
                  a.addObject().put("text", span.getText()).put("weight", span.getWeight());
                }
              });
    }
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new RecordEncodingException("cannot write a label event as JSON: " + e, e);
    }
  }

  /**
   * Reads a label event from the JSON that {@link #labelEvent(LabelEvent)} writes.
   *
   * @param json UTF-8 JSON bytes
   * @return the event
   * @throws RecordDecodingException if the bytes are not such an object
   */
  public static LabelEvent labelEvent(byte[] json) {
    JsonNode root = parseObject(json, "LabelEvent");
    Map<String, Double> scores = new LinkedHashMap<>();
    JsonNode s = required(root, "scores");
    if (!s.isObject()) {
      throw invalid("scores", "must be an object of label to number");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNumber()) {
        throw invalid("scores." + e.getKey(), "must be a number");
      }
      scores.put(e.getKey(), e.getValue().doubleValue());
    }
    List<String> flagged = new ArrayList<>();
    JsonNode f = required(root, "flagged");
    if (!f.isArray()) {
      throw invalid("flagged", "must be an array of label names");
    }
    f.forEach(n -> flagged.add(n.asText()));
    return LabelEvent.newBuilder()
        .setExplanations(explanations(root.get("explanations")))
        .setCommentId(requiredString(root, "comment_id"))
        .setModelName(requiredString(root, "model_name"))
        .setModelVersion(requiredString(root, "model_version"))
        .setScores(scores)
        .setFlagged(flagged)
        .setDecidedAt(Instant.ofEpochMilli(instantMs(root, "decided_at", 0)))
        .setScoringLatencyMicros(required(root, "scoring_latency_micros").asLong())
        .build();
  }

  private static Map<String, List<Span>> explanations(JsonNode e) {
    if (e == null || e.isNull()) {
      return null;
    }
    if (!e.isObject()) {
      throw invalid("explanations", "must be an object of label to an array of {text, weight}");
    }
    Map<String, List<Span>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      if (!label.getValue().isArray()) {
        throw invalid("explanations." + label.getKey(), "must be an array of {text, weight}");
      }
      List<Span> spans = new ArrayList<>();
      for (JsonNode n : label.getValue()) {
        spans.add(new Span(requiredString(n, "text"), required(n, "weight").asDouble()));
      }
      out.put(label.getKey(), spans);
    }
    return out;
  }

  private static JsonNode parseObject(byte[] json, String record) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(json))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.INVALID_JSON,
          "the value is not valid UTF-8: encode the JSON text as UTF-8",
          e);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new RecordDecodingException(
          RecordDecodingException.Reason.INVALID_JSON,
          "the value is not well-formed JSON" + where + ": " + firstLine(e.getOriginalMessage()),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.INVALID_JSON,
          "the value is JSON but not an object: send one " + record + " as {\"field\": value, ...}",
          null);
    }
    return root;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static JsonNode required(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw invalid(field, "is missing");
    }
    return n;
  }

  private static String requiredString(JsonNode root, String field) {
    String s = optionalString(root, field);
    if (s == null) {
      throw invalid(field, "is missing");
    }
    return s;
  }

  private static String optionalString(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw invalid(field, "must be a string, not " + kind(n));
    }
    return n.textValue();
  }

  private static long instantMs(JsonNode root, String field, long absent) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return absent;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isTextual()) {
      try {
        return Instant.parse(n.textValue()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw invalid(
            field,
            "'"
                + n.textValue()
                + "' is not an ISO-8601 instant: write milliseconds since the epoch or a time"
                + " in UTC as YYYY-MM-DDThh:mm:ssZ");
      }
    }
    throw invalid(
        field,
        "must be milliseconds since the epoch (an integer) or an ISO-8601 string, not " + kind(n));
  }

  private static Map<String, String> stringMap(JsonNode root, String field) {
    JsonNode n = root.get(field);
    Map<String, String> map = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return map;
    }
    if (!n.isObject()) {
      throw invalid(field, "must be an object of string values, not " + kind(n));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw invalid(field + "." + e.getKey(), "must be a string, not " + kind(e.getValue()));
      }
      map.put(e.getKey(), e.getValue().textValue());
    }
    return map;
  }

  private static String kind(JsonNode n) {
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isObject()) {
      return "an object";
    }
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static RecordDecodingException invalid(String field, String problem) {
    return new RecordDecodingException(
        RecordDecodingException.Reason.INVALID_FIELD, "field '" + field + "' " + problem, null);
  }
}
