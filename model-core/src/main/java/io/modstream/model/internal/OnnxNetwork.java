package io.modstream.model.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.modstream.model.Vocabulary;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring network run by ONNX Runtime from the DL4J network's exported weights ({@link
 * OnnxGraph}). One {@link Session} is shared by every replica (ONNX Runtime sessions are safe for
 * concurrent runs, so the weights are held once); each replica keeps its own input buffers, reused
 * from batch to batch, and is used by one thread at a time.
 */
public final class OnnxNetwork implements ScoringNetwork {

  private static final Cleaner CLEANER = Cleaner.create();
  private static final Logger LOG = LoggerFactory.getLogger(OnnxNetwork.class);

  /**
   * The loaded graphs, closed when no replica can reach them any more: the fused layout, the
   * folded one, or both ({@link OnnxGraph.Recurrence}), with what a call costs on each.
   */
  public static final class Session {
    private final OrtSession fused;
    private final OrtSession folded;
    private final CallCosts costs;
    private final boolean cuda;
    private final int vocabulary;

    private Session(OrtSession fused, OrtSession folded, CallCosts costs, boolean cuda, int vocabulary) {
      this.fused = fused;
      this.folded = folded;
      this.costs = costs;
      this.cuda = cuda;
      this.vocabulary = vocabulary;
    }

    /**
     * Describes the loaded layouts and how a call picks one, for the log.
     *
     * @return for example "fused and folded graphs on CPU, each call on the cheaper by
     *     -Dmodstream.onnx.call-costs=..."
     */
    @Override
    public String toString() {
      String device = cuda ? (cudaTf32() ? "CUDA (TF32 matmuls)" : "CUDA (float32)") : "CPU";
      if (fused == null || folded == null) {
        return (fused != null ? "the fused graph" : "the folded graph") + " on " + device
            + (costs == null ? ", batches cut at the batch size" : ", batched by -Dmodstream.onnx.call-costs=" + costs);
      }
      return costs == null
          ? "fused and folded graphs on " + device + ", no call costs: every call fused, batches cut at the batch size"
          : "fused and folded graphs on " + device + ", each call on the cheaper by -Dmodstream.onnx.call-costs=" + costs;
    }

    /** Whether a call of this many rows padded to this many steps runs the folded layout. */
    private boolean runsFolded(int rows, int steps) {
      if (folded == null || fused == null || costs == null) {
        return fused == null;
      }
      return costs.folded().nanos(rows, steps) < costs.fused().nanos(rows, steps);
    }

    /** The estimated cost of a call, 0 without costs (then batches are cut at the batch size). */
    private long cost(int rows, int steps) {
      return costs == null ? 0 : (runsFolded(rows, steps) ? costs.folded() : costs.fused()).nanos(rows, steps);
    }
  }

  /**
   * What one call of a layout costs: {@code call + steps x (step + rows x rowStep)} microseconds.
   *
   * @param call the fixed cost of a call (feeding the buffers, the tensors, the session's run)
   * @param step the cost of one time step whatever the rows (the folded layout's Scan pays its
   *     body's dozen operators a step)
   * @param rowStep the cost of one row through one time step
   */
  record Cost(double call, double step, double rowStep) {
    Cost {
      if (!(call >= 0 && step >= 0 && rowStep > 0) || Double.isInfinite(call + step + rowStep)) {
        throw new IllegalArgumentException(
            "a call cost needs call >= 0, step >= 0 and rowStep > 0 microseconds, got " + call + ", " + step + ", " + rowStep);
      }
    }

    long nanos(int rows, int steps) {
      return Math.round(1_000 * (call + steps * (step + rows * rowStep)));
    }
  }

  /**
   * What calls cost on the fused and the folded layout. The default was fitted by {@code
   * ops/jmh-bench --call-costs} to calls of 1-256 rows of 8-128 tokens of the v2 bundle on the
   * development host (AMD EPYC, AVX2, one thread; README, "Call costs"): a fused call 58.2 + T x
   * (0.89 + n x 3.90) us, a folded one 74.8 + T x (15.77 + n x 2.551) us (8% and 12% rms error over
   * the 70 cells). The folded layout does a third less per row-step and pays a fixed cost per step,
   * so it is the cheaper from about 11 rows. The system property {@code modstream.onnx.call-costs}
   * ({@code FUSED_CALL,FUSED_STEP,FUSED_ROW_STEP,FOLDED_CALL,FOLDED_STEP,FOLDED_ROW_STEP} in
   * microseconds, the line that command prints) sets them, for another host or a network of
   * another size.
   *
   * @param fused a call on the fused layout
   * @param folded a call on the folded layout
   */
  record CallCosts(Cost fused, Cost folded) {
    static final CallCosts MEASURED = new CallCosts(new Cost(58.2, 0.89, 3.90), new Cost(74.8, 15.77, 2.551));

    /** The property's form: six microsecond figures, fused then folded. */
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s", fused.call(), fused.step(), fused.rowStep(),
          folded.call(), folded.step(), folded.rowStep());
    }

    /**
     * Returns the costs the system property sets, else the measured CPU ones; on CUDA none unless
     * set (the CPU figures say nothing of a GPU, where a call's launch outweighs many row-steps:
     * unmeasured, so batches are cut at the batch size and calls run the fused layout).
     */
    static CallCosts fromSystemProperty(boolean cuda) {
      String value = System.getProperty("modstream.onnx.call-costs");
      if (value == null) {
        return cuda ? null : MEASURED;
      }
      String[] parts = value.split(",");
      if (parts.length != 6) {
        throw new IllegalArgumentException("modstream.onnx.call-costs takes six numbers (FUSED_CALL,FUSED_STEP,"
            + "FUSED_ROW_STEP,FOLDED_CALL,FOLDED_STEP,FOLDED_ROW_STEP in microseconds, as ops/jmh-bench --call-costs "
            + "prints them), got '" + value + "'");
      }
      double[] us = new double[6];
      for (int i = 0; i < 6; i++) {
        try {
          us[i] = Double.parseDouble(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("modstream.onnx.call-costs: '" + parts[i].trim() + "' is not a number", e);
        }
      }
      return new CallCosts(new Cost(us[0], us[1], us[2]), new Cost(us[3], us[4], us[5]));
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
   * @throws IllegalArgumentException if a {@code modstream.onnx} system property is malformed
   */
  public static Session load(LstmNetwork network, boolean cuda) {
    return load(network, cuda, recurrence(cuda), CallCosts.fromSystemProperty(cuda));
  }

  /**
   * Whether CUDA matrix products may use TF32 ({@code -Dmodstream.onnx.cuda.tf32=true}). Off by
   * default: on an H100 TF32 moved scores by up to 1.05e-4 from DL4J's, float32 by 1.44e-5, both
   * measured while ONNX Runtime still took the sigmoid (README, "GPU").
   */
  static boolean cudaTf32() {
    return Boolean.getBoolean("modstream.onnx.cuda.tf32");
  }

  /**
   * Which layouts to load. On CPU both, and each call runs the one its size makes cheaper ({@link
   * CallCosts}); on CUDA the fused one only (one cuDNN kernel rather than a Scan's per-step
   * launches: on an H100, 27,300 comments/s against 24,200 model-only at batch 4,096 with 8
   * replicas, and a batch of 1 in 2.3 ms against 6.0 ms at p50; one run each). The system property {@code
   * modstream.onnx.recurrence} ({@code fused}, {@code folded} or {@code auto}) overrides that, to
   * compare them.
   *
   * @return {@code null} for both layouts, chosen per call; else the only one
   */
  static OnnxGraph.Recurrence recurrence(boolean cuda) {
    String chosen = System.getProperty("modstream.onnx.recurrence", cuda ? "fused" : "auto");
    return switch (chosen.trim().toLowerCase(Locale.ROOT)) {
      case "fused" -> OnnxGraph.Recurrence.FUSED;
      case "folded" -> OnnxGraph.Recurrence.FOLDED;
      case "auto" -> null;
      default -> throw new IllegalArgumentException(
          "modstream.onnx.recurrence must be fused, folded or auto, not '" + chosen + "'");
    };
  }

  /**
   * Loads one layout, or both ({@code only} null) with calls run on the cheaper by {@code costs}
   * (null: no cost model; both layouts then run fused).
   */
  static Session load(LstmNetwork network, boolean cuda, OnnxGraph.Recurrence only, CallCosts costs) {
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
        try (OrtCUDAProviderOptions device = new OrtCUDAProviderOptions(0)) {
          // ONNX Runtime multiplies float32 in TF32 on Ampere and later GPUs unless told not to.
          device.add("use_tf32", cudaTf32() ? "1" : "0");
          options.addCUDA(device);
        }
      }
      if (only != OnnxGraph.Recurrence.FOLDED) {
        fused = env.createSession(OnnxGraph.build(weights, OnnxGraph.Recurrence.FUSED), options);
      }
      if (only != OnnxGraph.Recurrence.FUSED) {
        folded = env.createSession(OnnxGraph.build(weights, OnnxGraph.Recurrence.FOLDED), options);
      }
      Session shared = new Session(fused, folded, costs, cuda, weights.embedding().length);
      LOG.info("ONNX Runtime: {}", shared);
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

  @Override
  public long callCost(int rows, int steps) {
    return session.cost(rows, steps);
  }

  @Override
  public float[][] predict(int[][] rowIds) {
    int rows = rowIds.length;
    int width = 0;
    for (int[] row : rowIds) {
      width = Math.max(width, row.length);
    }
    boolean folded = session.runsFolded(rows, width);
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
      return probabilities((float[][]) result.get(0).getValue());
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to score a batch of " + rows + ": " + e.getMessage(), e);
    }
  }

  /** The sigmoid of each log-odds, in place, computed in double precision (see {@link OnnxGraph}). */
  static float[][] probabilities(float[][] logits) {
    for (float[] row : logits) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) (1 / (1 + Math.exp(-(double) row[j])));
      }
    }
    return logits;
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
