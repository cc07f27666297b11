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
import java.util.Locale;
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
    private final OnnxGraph.Recurrence recurrence;
    private final int vocabulary;

    private Session(OrtSession session, boolean cuda, OnnxGraph.Recurrence recurrence, int vocabulary) {
      this.session = session;
      this.cuda = cuda;
      this.recurrence = recurrence;
      this.vocabulary = vocabulary;
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
    return load(network, cuda, recurrence(cuda));
  }

  /**
   * The graph layout: {@code FOLDED} on CPU, where it measured faster, {@code FUSED} on CUDA
   * (one cuDNN kernel rather than a Scan's per-step launches; not measured, no GPU lent yet). The
   * system property {@code modstream.onnx.recurrence} ({@code fused} or {@code folded}) overrides
   * it, to repeat the comparison.
   */
  static OnnxGraph.Recurrence recurrence(boolean cuda) {
    String chosen = System.getProperty("modstream.onnx.recurrence");
    if (chosen == null) {
      return cuda ? OnnxGraph.Recurrence.FUSED : OnnxGraph.Recurrence.FOLDED;
    }
    try {
      return OnnxGraph.Recurrence.valueOf(chosen.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "modstream.onnx.recurrence must be fused or folded, not '" + chosen + "'", e);
    }
  }

  static Session load(LstmNetwork network, boolean cuda, OnnxGraph.Recurrence recurrence) {
    OnnxGraph.Weights weights = network.weights();
    byte[] model = OnnxGraph.build(weights, recurrence);
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
      Session shared = new Session(session, cuda, recurrence, weights.embedding().length);
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
    boolean folded = session.recurrence == OnnxGraph.Recurrence.FOLDED;
    ensureCapacity(rows, width, folded ? 2 : 1);
    ids.clear();
    padding.clear();
    lengths.clear();
    // Padded straight into the reused buffers, time-major: the LSTM's default layout, so no
    // transpose in the graph.
    int reversed = session.vocabulary;
    for (int t = 0; t < width; t++) {
      for (int[] row : rowIds) {
        boolean token = t < row.length;
        ids.put(token ? row[t] : Vocabulary.PAD_ID);
        padding.put(token ? 0f : Float.NEGATIVE_INFINITY);
      }
      if (folded) {
        // The backward direction's ids: each row read from its own end, from the gate table's
        // second half.
        for (int[] row : rowIds) {
          ids.put(reversed + (t < row.length ? row[row.length - 1 - t] : Vocabulary.PAD_ID));
        }
      }
    }
    for (int[] row : rowIds) {
      lengths.put(row.length);
    }
    ids.flip();
    padding.flip();
    lengths.flip();
    long[] idShape = folded ? new long[] {width, 2, rows} : new long[] {width, rows};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids, idShape);
        OnnxTensor lengthTensor = OnnxTensor.createTensor(env, lengths, new long[] {rows});
        OnnxTensor padTensor = OnnxTensor.createTensor(env, padding, new long[] {width, 1, rows, 1});
        OrtSession.Result result = session.session.run(folded
            ? Map.of(OnnxGraph.IDS, idTensor, OnnxGraph.PADDING, padTensor)
            : Map.of(OnnxGraph.IDS, idTensor, OnnxGraph.LENGTHS, lengthTensor, OnnxGraph.PADDING, padTensor))) {
      return (float[][]) result.get(0).getValue();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to score a batch of " + rows + ": " + e.getMessage(), e);
    }
  }

  private void ensureCapacity(int rows, int width, int directions) {
    int cells = rows * width;
    if (ids.capacity() < cells * directions) {
      ids = direct(cells * directions).asIntBuffer();
    }
    if (padding.capacity() < cells) {
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
