package io.modstream.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.CommentReader;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.Topics;
import io.modstream.schemas.WireFormat;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading one real comment costs the stream thread in each input format: detecting the format
 * and decoding the value into a {@link Comment}. The registry format needs a running registry
 * ({@code -Dmodstream.bench.registry=URL}; ops/jmh-bench starts one): its schema is fetched once,
 * then served from the deserializer's cache, as in the app.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommentDecodingBenchmark {

  @Param({"avro-direct", "avro", "json", "registry"})
  public String format;

  private CommentReader reader;
  private boolean direct;
  private final AvroCodec<Comment> codec = AvroCodec.of(Comment.class);
  private final List<byte[]> values = new ArrayList<>();
  private final RecordHeaders headers = new RecordHeaders();
  private int next;

  @Setup
  public void setUp() {
    direct = format.equals("avro-direct");
    WireFormat wire = direct ? WireFormat.AVRO : WireFormat.ofConfigName(format);
    SchemaRegistry registry = null;
    Serializer<Comment> registrySerializer = null;
    if (wire == WireFormat.REGISTRY) {
      String url = System.getProperty("modstream.bench.registry");
      if (url == null) {
        throw new IllegalStateException(
            "format=registry needs -Dmodstream.bench.registry=URL (ops/jmh-bench starts one)");
      }
      registry = SchemaRegistry.at(url);
      registrySerializer = registry.serializer();
    }
    reader = new CommentReader(registry);
    AvroCodec<Comment> avro = AvroCodec.of(Comment.class);
    ObjectMapper json = new ObjectMapper();
    List<String> texts = BenchInputs.texts();
    for (int i = 0; i < texts.size(); i++) {
      String id = "c-" + i;
      Comment c =
          Comment.newBuilder()
              .setCommentId(id)
              .setText(texts.get(i))
              .setCreatedAt(Instant.ofEpochMilli(1_764_892_800_000L + i))
              .build();
      values.add(
          switch (wire) {
            case AVRO -> avro.encode(c);
            case REGISTRY -> registrySerializer.serialize(Topics.COMMENTS.name(), c);
            case JSON -> json(json, id, texts.get(i), c.getCreatedAt().toEpochMilli());
          });
    }
  }

  private static byte[] json(ObjectMapper mapper, String id, String text, long createdAt) {
    try {
      return mapper.writeValueAsBytes(
          Map.of("comment_id", id, "text", text, "created_at", createdAt));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TearDown
  public void tearDown() {
    reader.close();
  }

  @Benchmark
  public Comment detectAndDecode() {
    byte[] value = values.get(next);
    next = (next + 1) % values.size();
    if (direct) {
      return codec.decode(value);
    }
    WireFormat f = WireFormat.detect(value, headers);
    return reader.read(f, Topics.COMMENTS.name(), null, value, headers, 0L);
  }
}
