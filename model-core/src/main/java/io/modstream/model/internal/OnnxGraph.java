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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes the scoring network as an ONNX model (opset 17) from its trained weights, so another
 * inference engine runs the very weights DL4J trained:
 *
 * <pre>
 * ids [T, B] int32 --Gather(embedding)--> [T, B, E]
 *   --LSTM(bidirectional, sequence_lens = lengths)--> [T, 2, B, H]
 *   --Add(padding: 0 on tokens, -inf past a row's length)--ReduceMax(time)--> [2, B, H]
 *   --Transpose--Flatten--> [B, 2H] (forward units first, as DL4J's merge)
 *   --Gemm--Relu--Gemm--Sigmoid--> scores [B, labels]
 * </pre>
 *
 * ONNX's reverse direction reads each row backwards from its own length, which is what the DL4J
 * network's per-row {@code ReverseTimeSeriesVertex} does.
 */
final class OnnxGraph {

  static final String IDS = "ids";
  static final String LENGTHS = "lengths";
  static final String PADDING = "padding";
  static final String SCORES = "scores";
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
      float[][] embedding, Lstm forward, Lstm backward, float[][] denseW, float[] denseB, float[][] outW, float[] outB) {}

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

  /** ONNX gate order i, o, f, c as DL4J block indices (DL4J: c=0, f=1, o=2, i=3). */
  private static final int[] DL4J_BLOCK = {3, 2, 1, 0};

  private OnnxGraph() {}

  /**
   * Serialises the network.
   *
   * @param w the weights
   * @return the ONNX model's bytes
   */
  static byte[] build(Weights w) {
    int hidden = w.forward().units();
    int embedding = w.embedding()[0].length;
    int labels = w.outB().length;
    GraphProto.Builder g = GraphProto.newBuilder().setName("modstream-bilstm");
    g.addInput(input(IDS, TensorProto.DataType.INT32, "T", "B"));
    g.addInput(input(LENGTHS, TensorProto.DataType.INT32, "B"));
    g.addInput(input(PADDING, TensorProto.DataType.FLOAT, "T", 1, "B", 1));
    g.addOutput(input(SCORES, TensorProto.DataType.FLOAT, "B", labels));

    g.addInitializer(tensor("embedding", w.embedding()));
    g.addInitializer(lstmWeights("W", w.forward().inputW(), w.backward().inputW(), hidden, embedding));
    g.addInitializer(lstmWeights("R", w.forward().recurrentW(), w.backward().recurrentW(), hidden, hidden));
    g.addInitializer(lstmBias(w.forward().bias(), w.backward().bias(), hidden));
    g.addInitializer(tensor("dense_W", w.denseW()));
    g.addInitializer(vector("dense_b", w.denseB()));
    g.addInitializer(tensor("out_W", w.outW()));
    g.addInitializer(vector("out_b", w.outB()));

    g.addNode(node("Gather", List.of("embedding", IDS), "embedded"));
    g.addNode(
        node("LSTM", List.of("embedded", "W", "R", "B", LENGTHS), "states")
            .addAttribute(integer("hidden_size", hidden))
            .addAttribute(string("direction", "bidirectional")));
    g.addNode(node("Add", List.of("states", PADDING), "masked"));
    g.addNode(node("ReduceMax", List.of("masked"), "pooled")
        .addAttribute(ints("axes", 0))
        .addAttribute(integer("keepdims", 0)));
    g.addNode(node("Transpose", List.of("pooled"), "by_row").addAttribute(ints("perm", 1, 0, 2)));
    g.addNode(node("Flatten", List.of("by_row"), "features").addAttribute(integer("axis", 1)));
    g.addNode(node("Gemm", List.of("features", "dense_W", "dense_b"), "dense_z"));
    g.addNode(node("Relu", List.of("dense_z"), "dense"));
    g.addNode(node("Gemm", List.of("dense", "out_W", "out_b"), "logits"));
    g.addNode(node("Sigmoid", List.of("logits"), SCORES));

    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("modstream")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  /** ONNX {@code [2, 4H, in]} from DL4J {@code [in][4H]} per direction, gates reordered. */
  private static TensorProto lstmWeights(String name, float[][] forward, float[][] backward, int hidden, int in) {
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

  /** ONNX {@code [2, 8H]}: input biases (DL4J's single bias, reordered) then zero recurrent ones. */
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
    return t.setRawData(ByteString.copyFrom(data)).build();
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
        .setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  private static NodeProto.Builder node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
  }

  private static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
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
