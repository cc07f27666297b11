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

  /**
   * The loaded graphs, closed when no replica can reach them any more: the fused layout, the
   * folded one, or both, with the call size from which the folded one runs ({@link
   * OnnxGraph.Recurrence}).
   */
  public static final class Session {
    private final OrtSession fused;
    private final OrtSession folded;
    private final int foldedFromRows;
    private final boolean cuda;
    private final int vocabulary;

    private Session(OrtSession fused, OrtSession folded, int foldedFromRows, boolean cuda, int vocabulary) {
      this.fused = fused;
      this.folded = folded;
      this.foldedFromRows = foldedFromRows;
      this.cuda = cuda;
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

  /** Calls of fewer rows than this run the fused layout, larger ones the folded one. */
  static final int FOLDED_MIN_ROWS = Integer.getInteger("modstream.onnx.folded-min-rows", 16);

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
    return load(network, cuda, foldedFromRows(cuda));
  }

  /**
   * From how many rows a call runs the folded layout. On CPU both layouts are loaded and calls of
   * {@value #FOLDED_MIN_ROWS} rows or more run the folded one: on the v2 bundle and real comments
   * it took 0.67x the fused layout's time at 64-256 rows, 0.96x at 16 and 2.4-3.4x for one
   * comment (the Scan pays per step what the fused operator pays per call); those ratios are per
   * network call of that many rows. In the app's calls of a few dozen comments of mixed lengths,
   * which the batch cost model splits into such calls, fused-only was 8-13% faster at 32-64
   * comments per served call (README, "The half-load misses and the host"), so this threshold
   * should follow the served call's size; not changed yet. On CUDA only the fused layout
   * (one cuDNN kernel rather than a Scan's per-step launches; not measured, no GPU lent yet). The
   * system property {@code modstream.onnx.recurrence} ({@code fused}, {@code folded} or {@code
   * auto}) overrides that, to repeat the comparison.
   *
   * @return 0 for the folded layout only, {@link Integer#MAX_VALUE} for the fused one only
   */
  static int foldedFromRows(boolean cuda) {
    String chosen = System.getProperty("modstream.onnx.recurrence", cuda ? "fused" : "auto");
    return switch (chosen.trim().toLowerCase(Locale.ROOT)) {
      case "fused" -> Integer.MAX_VALUE;
      case "folded" -> 0;
      case "auto" -> FOLDED_MIN_ROWS;
      default -> throw new IllegalArgumentException(
          "modstream.onnx.recurrence must be fused, folded or auto, not '" + chosen + "'");
    };
  }

  static Session load(LstmNetwork network, boolean cuda, int foldedFromRows) {
    OnnxGraph.Weights weights = network.weights();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession fused = null;
    OrtSession folded = null;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      // One thread per run: parallelism comes from replicas, one calling thread each.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      if (cuda) {
        options.addCUDA(0);
      }
      if (foldedFromRows > 0) {
        fused = env.createSession(OnnxGraph.build(weights, OnnxGraph.Recurrence.FUSED), options);
      }
      if (foldedFromRows < Integer.MAX_VALUE) {
        folded = env.createSession(OnnxGraph.build(weights, OnnxGraph.Recurrence.FOLDED), options);
      }
      Session shared = new Session(fused, folded, foldedFromRows, cuda, weights.embedding().length);
      OrtSession fusedSession = fused;
      OrtSession foldedSession = folded;
      CLEANER.register(shared, () -> {
        closeQuietly(fusedSession);
        closeQuietly(foldedSession);
      });
      return shared;
    } catch (OrtException e) {
      closeQuietly(fused);
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

  /**
   * Row-steps one step of the folded layout's Scan is worth beyond its rows (see {@link
   * #stepOverhead()}). Served as two replicas on calls of 256 real comments, the folded-and-fused
   * model against the fused one alone, one run each: 0 gave 1.05x the throughput, 4 1.07x, 8
   * 1.11-1.14x (three runs), 12 1.15x, 16 1.10x (README, "Folded gates"); the system property is
   * there to repeat that.
   */
  static final int STEP_OVERHEAD = Integer.getInteger("modstream.onnx.step-overhead", 12);

  @Override
  public int callOverhead() {
    return CALL_OVERHEAD;
  }

  @Override
  public int stepOverhead() {
    return session.folded == null ? 0 : STEP_OVERHEAD;
  }

  @Override
  public float[][] predict(int[][] rowIds) {
    int rows = rowIds.length;
    int width = 0;
    for (int[] row : rowIds) {
      width = Math.max(width, row.length);
    }
    boolean folded = rows >= session.foldedFromRows;
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
    if (!folded) {
      for (int[] row : rowIds) {
        lengths.put(row.length);
      }
    }
    ids.flip();
    padding.flip();
    lengths.flip();
    long[] idShape = folded ? new long[] {width, 2, rows} : new long[] {width, rows};
    // The folded graph takes no lengths (its reversal is in the ids); a null resource is not closed.
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids, idShape);
        OnnxTensor lengthTensor = folded ? null : OnnxTensor.createTensor(env, lengths, new long[] {rows});
        OnnxTensor padTensor = OnnxTensor.createTensor(env, padding, new long[] {width, 1, rows, 1});
        OrtSession.Result result = (folded ? session.folded : session.fused).run(folded
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
    if (session == null) {
      return;
    }
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      // Nothing to do: the process is dropping the model anyway.
    }
  }
}
