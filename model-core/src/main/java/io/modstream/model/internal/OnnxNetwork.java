package io.modstream.model.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.modstream.model.EngineOptions;
import io.modstream.model.text.Vocabulary;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;
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
   * The loaded graphs, closed when no replica can reach them any more: the fused layout, the folded
   * one, or both ({@link OnnxGraph.Recurrence}), with what a call costs on each.
   */
  public static final class Session {
    private final OrtSession fused;
    private final OrtSession folded;
    private final CallCosts costs;
    private final boolean cuda;
    private final boolean tf32;
    private final int vocabulary;

    private Session(
        OrtSession fused,
        OrtSession folded,
        CallCosts costs,
        boolean cuda,
        boolean tf32,
        int vocabulary) {
      this.fused = fused;
      this.folded = folded;
      this.costs = costs;
      this.cuda = cuda;
      this.tf32 = tf32;
      this.vocabulary = vocabulary;
    }

    /**
     * Describes the loaded layouts and how a call picks one, for the log.
     *
     * @return for example "fused and folded graphs on CPU, each call on the cheaper by call costs
     *     ..."
     */
    @Override
    public String toString() {
      String device = cuda ? (tf32 ? "CUDA (TF32 matmuls)" : "CUDA (float32)") : "CPU";
      if (fused == null || folded == null) {
        return (fused != null ? "the fused graph" : "the folded graph")
            + " on "
            + device
            + (costs == null
                ? ", batches cut at the batch size"
                : ", batched by call costs " + costs);
      }
      return costs == null
          ? "fused and folded graphs on "
              + device
              + ", no call costs: every call fused, batches cut at the batch size"
          : "fused and folded graphs on "
              + device
              + ", each call on the cheaper by call costs "
              + costs;
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
      return costs == null
          ? 0
          : (runsFolded(rows, steps) ? costs.folded() : costs.fused()).nanos(rows, steps);
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
            "a call cost needs call >= 0, step >= 0 and rowStep > 0 microseconds, got "
                + call
                + ", "
                + step
                + ", "
                + rowStep);
      }
    }

    long nanos(int rows, int steps) {
      return Math.round(1_000 * (call + steps * (step + rows * rowStep)));
    }
  }

  /**
   * What calls cost on the fused and the folded layout. The built-in figures were fitted by {@code
   * ops/jmh-bench --call-costs} on an AVX2 CPU, one thread (docs/benchmarks.md): the folded layout
   * does less per row-step but pays a fixed cost per step, so it wins from about a dozen rows.
   * {@link EngineOptions#callCosts()} sets them for another host or a network of another size.
   *
   * @param fused a call on the fused layout
   * @param folded a call on the folded layout
   */
  record CallCosts(Cost fused, Cost folded) {
    static final CallCosts MEASURED =
        new CallCosts(new Cost(58.2, 0.89, 3.90), new Cost(74.8, 15.77, 2.551));

    /** The property's form: six microsecond figures, fused then folded. */
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s,%s,%s,%s,%s,%s",
          fused.call(),
          fused.step(),
          fused.rowStep(),
          folded.call(),
          folded.step(),
          folded.rowStep());
    }

    /**
     * Returns the costs the options set, else the built-in CPU ones; on CUDA none unless set (the
     * CPU figures say nothing of a GPU, where a call's launch outweighs many row-steps, so batches
     * are cut at the batch size and calls run the fused layout).
     */
    static CallCosts of(EngineOptions options, boolean cuda) {
      List<Double> us = options.callCosts();
      if (us.isEmpty()) {
        return cuda ? null : MEASURED;
      }
      return new CallCosts(
          new Cost(us.get(0), us.get(1), us.get(2)), new Cost(us.get(3), us.get(4), us.get(5)));
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
   * @param options the layout, call costs and CUDA precision
   * @return a session to share between replicas
   * @throws IllegalStateException if ONNX Runtime refuses the model or the device
   */
  public static Session load(LstmNetwork network, boolean cuda, EngineOptions options) {
    return load(
        network,
        cuda,
        recurrence(options.recurrence(), cuda),
        CallCosts.of(options, cuda),
        options.cudaTf32());
  }

  /**
   * Which layouts to load. Automatically: on the CPU both, each call on the one its size makes
   * cheaper ({@link CallCosts}); on CUDA the fused one only, one cuDNN kernel rather than a loop's
   * per-step launches (docs/gpu.md).
   *
   * @return {@code null} for both layouts, chosen per call; else the only one
   */
  static OnnxGraph.Recurrence recurrence(EngineOptions.Recurrence chosen, boolean cuda) {
    return switch (chosen) {
      case FUSED -> OnnxGraph.Recurrence.FUSED;
      case FOLDED -> OnnxGraph.Recurrence.FOLDED;
      case AUTO -> cuda ? OnnxGraph.Recurrence.FUSED : null;
    };
  }

  /**
   * As {@link #load(LstmNetwork, boolean, OnnxGraph.Recurrence, CallCosts, boolean)} in float32.
   */
  static Session load(
      LstmNetwork network, boolean cuda, OnnxGraph.Recurrence only, CallCosts costs) {
    return load(network, cuda, only, costs, false);
  }

  /**
   * Loads one layout, or both ({@code only} null) with calls run on the cheaper by {@code costs}
   * (null: no cost model; both layouts then run fused).
   */
  static Session load(
      LstmNetwork network, boolean cuda, OnnxGraph.Recurrence only, CallCosts costs, boolean tf32) {
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
          device.add("use_tf32", tf32 ? "1" : "0");
          options.addCUDA(device);
        }
      }
      if (only != OnnxGraph.Recurrence.FOLDED) {
        fused = env.createSession(OnnxGraph.build(weights, OnnxGraph.Recurrence.FUSED), options);
      }
      if (only != OnnxGraph.Recurrence.FUSED) {
        folded = env.createSession(OnnxGraph.build(weights, OnnxGraph.Recurrence.FOLDED), options);
      }
      Session shared = new Session(fused, folded, costs, cuda, tf32, weights.embedding().length);
      LOG.info("ONNX Runtime: {}", shared);
      OrtSession fusedSession = fused;
      OrtSession foldedSession = folded;
      CLEANER.register(
          shared,
          () -> {
            closeQuietly(fusedSession);
            closeQuietly(foldedSession);
          });
      return shared;
    } catch (OrtException e) {
      closeQuietly(fused);
      throw new IllegalStateException(
          "ONNX Runtime could not load the network"
              + (cuda
                  ? " on CUDA device 0 (is this the -Pgpu build, with CUDA 12 and cuDNN 9 on the"
                      + " host?)"
                  : "")
              + ": "
              + e.getMessage(),
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
    // The folded graph takes no lengths (its reversal is in the ids); a null resource is not
    // closed.
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids, idShape);
        OnnxTensor lengthTensor =
            folded ? null : OnnxTensor.createTensor(env, lengths, new long[] {rows});
        OnnxTensor padTensor =
            OnnxTensor.createTensor(env, padding, new long[] {width, 1, rows, 1});
        OrtSession.Result result =
            (folded ? session.folded : session.fused)
                .run(
                    folded
                        ? Map.of(OnnxGraph.IDS, idTensor, OnnxGraph.PADDING, padTensor)
                        : Map.of(
                            OnnxGraph.IDS,
                            idTensor,
                            OnnxGraph.LENGTHS,
                            lengthTensor,
                            OnnxGraph.PADDING,
                            padTensor))) {
      return probabilities((float[][]) result.get(0).getValue());
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed to score a batch of " + rows + ": " + e.getMessage(), e);
    }
  }

  /**
   * The sigmoid of each log-odds, in place, computed in double precision (see {@link OnnxGraph}).
   */
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
