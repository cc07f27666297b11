package io.modstream.model.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modstream.model.Vocabulary;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Map;

/**
 * The scoring network run by ONNX Runtime from the DL4J network's exported weights ({@link
 * OnnxGraph}). One {@link Session} is shared by every replica (ONNX Runtime sessions are safe for
 * concurrent runs, so the weights are held once); each replica keeps its own input buffers, reused
 * from batch to batch, and is used by one thread at a time.
 */
public final class OnnxNetwork implements ScoringNetwork {

  private static final Cleaner CLEANER = Cleaner.create();

  /** A loaded ONNX Runtime session, closed when no replica can reach it any more. */
  public static final class Session {
    private final OrtSession session;
    private final boolean cuda;

    private Session(OrtSession session, boolean cuda) {
      this.session = session;
      this.cuda = cuda;
    }

    /**
     * Returns whether the session runs on a CUDA device.
     *
     * @return true for the CUDA execution provider
     */
    public boolean cuda() {
      return cuda;
    }
  }

  private final Session session;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private IntBuffer ids = IntBuffer.allocate(0);
  private IntBuffer lengths = IntBuffer.allocate(0);
  private FloatBuffer padding = FloatBuffer.allocate(0);

  private OnnxNetwork(Session session) {
    this.session = session;
  }

  /**
   * Loads the network into ONNX Runtime.
   *
   * @param network the trained DL4J network
   * @param cuda true to run on the first CUDA device (needs the onnxruntime_gpu build)
   * @return a session to share between replicas
   * @throws IllegalStateException if ONNX Runtime refuses the model or the device
   */
  public static Session load(LstmNetwork network, boolean cuda) {
    byte[] model = OnnxGraph.build(network.weights());
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      // One thread per run: parallelism comes from replicas, one calling thread each.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      if (cuda) {
        options.addCUDA(0);
      }
      OrtSession session = env.createSession(model, options);
      Session shared = new Session(session, cuda);
      CLEANER.register(shared, () -> closeQuietly(session));
      return shared;
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime could not load the network"
              + (cuda ? " on CUDA device 0 (is this the -Pgpu build, with CUDA 12 and cuDNN 9 on the host?)" : "")
              + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Creates a replica on a shared session.
   *
   * @param session the session
   * @return a replica for one thread at a time
   */
  public static OnnxNetwork replica(Session session) {
    return new OnnxNetwork(session);
  }

  /**
   * Row-steps one ONNX Runtime call is worth (see {@link #callOverhead()}). 16, 64 and 256 scored
   * alike in JMH (README, Benchmarks); the system property is there to repeat that measurement.
   */
  static final int CALL_OVERHEAD = Integer.getInteger("modstream.onnx.call-overhead", 64);

  @Override
  public int callOverhead() {
    return CALL_OVERHEAD;
  }

  @Override
  public float[][] predict(int[][] rowIds) {
    int rows = rowIds.length;
    int width = 0;
    for (int[] row : rowIds) {
      width = Math.max(width, row.length);
    }
    ensureCapacity(rows, width);
    ids.clear();
    padding.clear();
    lengths.clear();
    // Padded straight into the reused buffers, time-major [T, B]: the LSTM's default layout, so
    // no transpose in the graph.
    for (int t = 0; t < width; t++) {
      for (int[] row : rowIds) {
        boolean token = t < row.length;
        ids.put(token ? row[t] : Vocabulary.PAD_ID);
        padding.put(token ? 0f : Float.NEGATIVE_INFINITY);
      }
    }
    for (int[] row : rowIds) {
      lengths.put(row.length);
    }
    ids.flip();
    padding.flip();
    lengths.flip();
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids, new long[] {width, rows});
        OnnxTensor lengthTensor = OnnxTensor.createTensor(env, lengths, new long[] {rows});
        OnnxTensor padTensor = OnnxTensor.createTensor(env, padding, new long[] {width, 1, rows, 1});
        OrtSession.Result result = session.session.run(Map.of(
            OnnxGraph.IDS, idTensor, OnnxGraph.LENGTHS, lengthTensor, OnnxGraph.PADDING, padTensor))) {
      return (float[][]) result.get(0).getValue();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to score a batch of " + rows + ": " + e.getMessage(), e);
    }
  }

  private void ensureCapacity(int rows, int width) {
    int cells = rows * width;
    if (ids.capacity() < cells) {
      ids = direct(cells).asIntBuffer();
      padding = direct(cells).asFloatBuffer();
    }
    if (lengths.capacity() < rows) {
      lengths = direct(rows).asIntBuffer();
    }
  }

  private static ByteBuffer direct(int values) {
    return ByteBuffer.allocateDirect(values * 4).order(ByteOrder.nativeOrder());
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      // Nothing to do: the process is dropping the model anyway.
    }
  }
}
