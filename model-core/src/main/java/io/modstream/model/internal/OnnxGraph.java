package io.modstream.model.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes the scoring network as an ONNX model (opset 17) from its trained weights, so another
 * inference engine runs the very weights DL4J trained. Two layouts of the same arithmetic ({@link
 * Recurrence}):
 *
 * <pre>
 * FUSED:  ids [T, B] int32 --Gather(embedding)--> [T, B, E]
 *           --LSTM(bidirectional, sequence_lens = lengths)--> states [T, 2, B, H]
 * FOLDED: ids [T, 2, B] int32 (forward ids; each row's ids reversed within its length, offset by V)
 *           --Gather(gate table [2V, 4H])--> [T, 2, B, 4H]
 *           --Scan(one LSTM step for both directions)--> states [T, 2, B, H]
 * then:   --Add(padding: 0 on tokens, -inf past a row's length)--ReduceMax(time)--> [2, B, H]
 *           --Transpose--Flatten--> [B, 2H] (forward units first, as DL4J's merge)
 *           --Gemm--Relu--Gemm--> logits [B, labels]
 * </pre>
 *
 * The graph ends at the output layer's log-odds: {@link OnnxNetwork} takes their sigmoid in double
 * precision. ONNX Runtime's own Sigmoid (a vectorised approximation on CPU) is accurate to ~1e-7 in
 * absolute terms only, which for a probability of ~1e-6 is a relative error of ~10%; the blend
 * reads the network's log-odds, so that moved final scores by up to 6.0e-6 where everything before
 * it agreed with DL4J to ~1e-7.
 *
 * <p>ONNX's reverse direction reads each row backwards from its own length, which is what the DL4J
 * network's per-row {@code ReverseTimeSeriesVertex} does; the folded layout gets the same by
 * reversing each row before the call.
 */
final class OnnxGraph {

  static final String IDS = "ids";
  static final String LENGTHS = "lengths";
  static final String GATES = "gate_table";
  static final String PADDING = "padding";
  static final String LOGITS = "logits";
  private static final int OPSET = 17;
  private static final long IR_VERSION = 8;

  /**
   * The trained weights in DL4J's layouts.
   *
   * @param embedding {@code [vocabulary][E]}
   * @param forward the forward LSTM
   * @param backward the backward LSTM
   * @param denseW {@code [2H][D]}
   * @param denseB {@code [D]}
   * @param outW {@code [D][labels]}
   * @param outB {@code [labels]}
   */
  record Weights(
      float[][] embedding,
      Lstm forward,
      Lstm backward,
      float[][] denseW,
      float[] denseB,
      float[][] outW,
      float[] outB) {}

  /**
   * One DL4J LSTM layer: gate blocks of {@code H} columns in DL4J's order (cell input, forget,
   * output, input gate).
   *
   * @param inputW {@code [E][4H]}
   * @param recurrentW {@code [H][4H]}
   * @param bias {@code [4H]}
   */
  record Lstm(float[][] inputW, float[][] recurrentW, float[] bias) {
    int units() {
      return bias.length / 4;
    }
  }

  /** How the graph runs the LSTM; both compute the same network. */
  enum Recurrence {
    /**
     * ONNX's LSTM operator over embedded tokens. Its input projection (E x 4H per token and
     * direction) is two thirds of the arithmetic; the layout for CUDA, where ONNX Runtime runs the
     * operator as cuDNN's RNN kernel (not measured here: no GPU lent).
     */
    FUSED,
    /**
     * The embedding, input weights and bias folded into one gate table (each token's input
     * projection, computed once at load), gathered per token, and the recurrence as a Scan whose
     * body is one step of both directions. Less arithmetic per token, a fixed cost per step: faster
     * on CPU from about 11 rows a call, slower below (README, "Folded gates" and "Call costs").
     */
    FOLDED
  }

  /** ONNX gate order i, o, f, c as DL4J block indices (DL4J: c=0, f=1, o=2, i=3). */
  private static final int[] DL4J_BLOCK = {3, 2, 1, 0};

  private OnnxGraph() {}

  /**
   * Serialises the network.
   *
   * @param w the weights
   * @param recurrence the layout
   * @return the ONNX model's bytes
   */
  static byte[] build(Weights w, Recurrence recurrence) {
    int labels = w.outB().length;
    GraphProto.Builder g = GraphProto.newBuilder().setName("modstream-bilstm");
    if (recurrence == Recurrence.FUSED) {
      fused(g, w);
    } else {
      folded(g, w);
    }
    g.addInput(input(PADDING, TensorProto.DataType.FLOAT, "T", 1, "B", 1));
    g.addOutput(input(LOGITS, TensorProto.DataType.FLOAT, "B", labels));
    g.addInitializer(tensor("dense_W", w.denseW()));
    g.addInitializer(vector("dense_b", w.denseB()));
    g.addInitializer(tensor("out_W", w.outW()));
    g.addInitializer(vector("out_b", w.outB()));

    g.addNode(node("Add", List.of("states", PADDING), "masked"));
    g.addNode(
        node("ReduceMax", List.of("masked"), "pooled")
            .addAttribute(ints("axes", 0))
            .addAttribute(integer("keepdims", 0)));
    g.addNode(node("Transpose", List.of("pooled"), "by_row").addAttribute(ints("perm", 1, 0, 2)));
    g.addNode(node("Flatten", List.of("by_row"), "features").addAttribute(integer("axis", 1)));
    g.addNode(node("Gemm", List.of("features", "dense_W", "dense_b"), "dense_z"));
    g.addNode(node("Relu", List.of("dense_z"), "dense"));
    g.addNode(node("Gemm", List.of("dense", "out_W", "out_b"), LOGITS));

    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("modstream")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  private static void fused(GraphProto.Builder g, Weights w) {
    int hidden = w.forward().units();
    int embedding = w.embedding()[0].length;
    g.addInput(input(IDS, TensorProto.DataType.INT32, "T", "B"));
    g.addInput(input(LENGTHS, TensorProto.DataType.INT32, "B"));
    g.addInitializer(tensor("embedding", w.embedding()));
    g.addInitializer(
        lstmWeights("W", w.forward().inputW(), w.backward().inputW(), hidden, embedding));
    g.addInitializer(
        lstmWeights("R", w.forward().recurrentW(), w.backward().recurrentW(), hidden, hidden));
    g.addInitializer(lstmBias(w.forward().bias(), w.backward().bias(), hidden));
    g.addNode(node("Gather", List.of("embedding", IDS), "embedded"));
    g.addNode(
        node("LSTM", List.of("embedded", "W", "R", "B", LENGTHS), "states")
            .addAttribute(integer("hidden_size", hidden))
            .addAttribute(string("direction", "bidirectional")));
  }

  private static void folded(GraphProto.Builder g, Weights w) {
    int hidden = w.forward().units();
    g.addInput(input(IDS, TensorProto.DataType.INT32, "T", 2, "B"));
    g.addInitializer(gateTable(w));
    g.addInitializer(longs("state_tail", hidden));
    g.addInitializer(longs("dirs_rows_from", 1));
    g.addInitializer(longs("dirs_rows_to", 3));
    // The zero initial state [2, B, H], shaped from the ids.
    g.addNode(node("Shape", List.of(IDS), "ids_shape"));
    g.addNode(node("Slice", List.of("ids_shape", "dirs_rows_from", "dirs_rows_to"), "dirs_rows"));
    g.addNode(
        node("Concat", List.of("dirs_rows", "state_tail"), "state_shape")
            .addAttribute(integer("axis", 0)));
    g.addNode(node("ConstantOfShape", List.of("state_shape"), "zero_state"));
    g.addNode(node("Gather", List.of(GATES, IDS), "gates"));
    g.addNode(
        node("Scan", List.of("zero_state", "zero_state", "gates"), "h_last", "c_last", "states")
            .addAttribute(integer("num_scan_inputs", 1))
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("body")
                    .setType(AttributeProto.AttributeType.GRAPH)
                    .setG(step(w))));
  }

  /**
   * One LSTM step of both directions: {@code h, c [2, B, H]} and the step's gathered gates {@code
   * [2, B, 4H]} (order i, o, f, c) to the next {@code h, c}, {@code h} also as the step's output.
   */
  private static GraphProto step(Weights w) {
    int hidden = w.forward().units();
    GraphProto.Builder body = GraphProto.newBuilder().setName("lstm-step");
    body.addInput(untyped("h"));
    body.addInput(untyped("c"));
    body.addInput(untyped("g"));
    body.addOutput(untyped("h_next"));
    body.addOutput(untyped("c_next"));
    body.addOutput(untyped("h_out"));
    body.addInitializer(
        recurrentTransposed(w.forward().recurrentW(), w.backward().recurrentW(), hidden));
    body.addInitializer(longs("gates_cell", 3L * hidden, hidden));
    body.addInitializer(longs("each_gate", hidden, hidden, hidden));
    body.addNode(node("MatMul", List.of("h", "R_t"), "recurrent"));
    body.addNode(node("Add", List.of("recurrent", "g"), "z"));
    body.addNode(
        node("Split", List.of("z", "gates_cell"), "z_ifo", "z_c").addAttribute(integer("axis", 2)));
    body.addNode(node("Sigmoid", List.of("z_ifo"), "ifo"));
    body.addNode(
        node("Split", List.of("ifo", "each_gate"), "i", "o", "f").addAttribute(integer("axis", 2)));
    body.addNode(node("Tanh", List.of("z_c"), "candidate"));
    body.addNode(node("Mul", List.of("f", "c"), "kept"));
    body.addNode(node("Mul", List.of("i", "candidate"), "written"));
    body.addNode(node("Add", List.of("kept", "written"), "c_next"));
    body.addNode(node("Tanh", List.of("c_next"), "c_squashed"));
    body.addNode(node("Mul", List.of("o", "c_squashed"), "h_next"));
    body.addNode(node("Identity", List.of("h_next"), "h_out"));
    return body.build();
  }

  /**
   * {@code [2V, 4H]}: row {@code d * V + token} is that token's embedding times direction {@code
   * d}'s input weights plus its bias, in ONNX gate order. Accumulated in double and rounded once:
   * on the v2 bundle's validation split that keeps the largest difference from DL4J where the fused
   * layout has it (6.0e-6; a float sum gave 6.6e-6), for about 1 s at load instead of 0.2-0.4 s
   * with a 19,000-token vocabulary.
   */
  private static TensorProto gateTable(Weights w) {
    float[][] embedding = w.embedding();
    int vocabulary = embedding.length;
    int dim = embedding[0].length;
    int hidden = w.forward().units();
    ByteBuffer b = floats(2L * vocabulary * 4 * hidden);
    double[] row = new double[4 * hidden];
    for (Lstm direction : List.of(w.forward(), w.backward())) {
      float[][] inputW = direction.inputW();
      for (float[] token : embedding) {
        for (int j = 0; j < 4 * hidden; j++) {
          row[j] = direction.bias()[j];
        }
        for (int k = 0; k < dim; k++) {
          double x = token[k];
          float[] weights = inputW[k];
          for (int j = 0; j < 4 * hidden; j++) {
            row[j] += x * weights[j];
          }
        }
        for (int gate = 0; gate < 4; gate++) {
          int column = DL4J_BLOCK[gate] * hidden;
          for (int u = 0; u < hidden; u++) {
            b.putFloat((float) row[column + u]);
          }
        }
      }
    }
    return raw(GATES, b, 2L * vocabulary, 4L * hidden);
  }

  /** ONNX {@code [2, H, 4H]}: per direction, DL4J's {@code [H][4H]} with gates reordered. */
  private static TensorProto recurrentTransposed(
      float[][] forward, float[][] backward, int hidden) {
    ByteBuffer b = floats(2L * hidden * 4 * hidden);
    for (float[][] w : List.of(forward, backward)) {
      for (int k = 0; k < hidden; k++) {
        for (int gate = 0; gate < 4; gate++) {
          int column = DL4J_BLOCK[gate] * hidden;
          for (int u = 0; u < hidden; u++) {
            b.putFloat(w[k][column + u]);
          }
        }
      }
    }
    return raw("R_t", b, 2, hidden, 4L * hidden);
  }

  /** ONNX {@code [2, 4H, in]} from DL4J {@code [in][4H]} per direction, gates reordered. */
  private static TensorProto lstmWeights(
      String name, float[][] forward, float[][] backward, int hidden, int in) {
    ByteBuffer b = floats(2L * 4 * hidden * in);
    for (float[][] w : List.of(forward, backward)) {
      for (int gate = 0; gate < 4; gate++) {
        int column = DL4J_BLOCK[gate] * hidden;
        for (int u = 0; u < hidden; u++) {
          for (int k = 0; k < in; k++) {
            b.putFloat(w[k][column + u]);
          }
        }
      }
    }
    return raw(name, b, 2, 4L * hidden, in);
  }

  /**
   * ONNX {@code [2, 8H]}: input biases (DL4J's single bias, reordered) then zero recurrent ones.
   */
  private static TensorProto lstmBias(float[] forward, float[] backward, int hidden) {
    ByteBuffer b = floats(2L * 8 * hidden);
    for (float[] bias : List.of(forward, backward)) {
      for (int gate = 0; gate < 4; gate++) {
        for (int u = 0; u < hidden; u++) {
          b.putFloat(bias[DL4J_BLOCK[gate] * hidden + u]);
        }
      }
      for (int k = 0; k < 4 * hidden; k++) {
        b.putFloat(0f);
      }
    }
    return raw("B", b, 2, 8L * hidden);
  }

  private static TensorProto tensor(String name, float[][] m) {
    ByteBuffer b = floats((long) m.length * m[0].length);
    for (float[] row : m) {
      for (float v : row) {
        b.putFloat(v);
      }
    }
    return raw(name, b, m.length, m[0].length);
  }

  private static TensorProto vector(String name, float[] v) {
    ByteBuffer b = floats(v.length);
    for (float x : v) {
      b.putFloat(x);
    }
    return raw(name, b, v.length);
  }

  private static ByteBuffer floats(long count) {
    return ByteBuffer.allocate(Math.toIntExact(count * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static TensorProto raw(String name, ByteBuffer data, long... dims) {
    data.flip();
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    // Wrapped, not copied: the buffer is written once and never touched again, and the folded
    // graph's gate table is tens of MiB.
    return t.setRawData(UnsafeByteOperations.unsafeWrap(data)).build();
  }

  private static TensorProto longs(String name, long... values) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64.getNumber())
            .addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  /** A float tensor of unstated shape: a Scan body's inputs and outputs. */
  private static ValueInfoProto untyped(String name) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())))
        .build();
  }

  private static ValueInfoProto input(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String symbol) {
        dim.setDimParam(symbol);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  private static NodeProto.Builder node(String op, List<String> inputs, String... outputs) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(outputs[0])
        .addAllInput(inputs)
        .addAllOutput(List.of(outputs));
  }

  private static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static AttributeProto string(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }
}
