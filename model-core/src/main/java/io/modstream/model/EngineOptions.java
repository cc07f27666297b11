package io.modstream.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the ONNX Runtime engines that change how, not what, they compute: which graph layout
 * runs the recurrence, what a call costs on each (so a call picks the cheaper), and whether CUDA
 * may multiply in TF32. The defaults suit the CPU engine on the hardware the costs were fitted on;
 * {@code ops/jmh-bench --call-costs} fits them for another host. Immutable.
 *
 * @param recurrence which layout runs the recurrence
 * @param callCosts what a call costs on each layout, six microsecond figures ({@code FUSED_CALL,
 *     FUSED_STEP, FUSED_ROW_STEP, FOLDED_CALL, FOLDED_STEP, FOLDED_ROW_STEP}); empty for the
 *     built-in CPU figures (none on CUDA, where calls are cut at the batch size)
 * @param cudaTf32 whether CUDA matrix products may use TF32 (faster, less exact)
 */
public record EngineOptions(Recurrence recurrence, List<Double> callCosts, boolean cudaTf32) {

  /** The defaults: layouts chosen per device and call, the built-in costs, float32 on CUDA. */
  public static final EngineOptions DEFAULT = new EngineOptions(Recurrence.AUTO, List.of(), false);

  /** Which graph layout runs the network's recurrence. */
  public enum Recurrence {
    /**
     * On the CPU both layouts, each call on the cheaper by the call costs; on CUDA the fused one.
     */
    AUTO,
    /** One fused LSTM operator per direction (one cuDNN kernel on CUDA). */
    FUSED,
    /** The recurrence as a loop of plain operators, cheaper per row on the CPU for larger calls. */
    FOLDED;

    /**
     * Returns the name used in configuration.
     *
     * @return {@code auto}, {@code fused} or {@code folded}
     */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a configuration name.
     *
     * @param id {@code auto}, {@code fused} or {@code folded}, in any case
     * @return the layout choice
     * @throws IllegalArgumentException naming the valid values
     */
    public static Recurrence of(String id) {
      String wanted = id == null ? "" : id.trim().toUpperCase(Locale.ROOT);
      for (Recurrence r : values()) {
        if (r.name().equals(wanted)) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "unknown recurrence layout '" + id + "'; use auto, fused or folded");
    }
  }

  /** Validates and copies. */
  public EngineOptions {
    Objects.requireNonNull(recurrence, "recurrence");
    callCosts = List.copyOf(callCosts);
    if (!callCosts.isEmpty() && callCosts.size() != 6) {
      throw new IllegalArgumentException(
          "call costs take six numbers (FUSED_CALL,FUSED_STEP,FUSED_ROW_STEP,FOLDED_CALL,"
              + "FOLDED_STEP,FOLDED_ROW_STEP in microseconds, as ops/jmh-bench --call-costs prints"
              + " them), got "
              + callCosts.size());
    }
    for (int i = 0; i < callCosts.size(); i++) {
      double us = callCosts.get(i);
      boolean rowStep = i % 3 == 2;
      if (!Double.isFinite(us) || us < 0 || (rowStep && us == 0)) {
        throw new IllegalArgumentException(
            "call costs need a call >= 0, a step >= 0 and a row-step > 0 microseconds for each"
                + " layout, got "
                + callCosts);
      }
    }
  }

  /**
   * Parses call costs as written in configuration.
   *
   * @param text six comma-separated microsecond figures, or empty for the built-in ones
   * @return the figures (empty for the built-in ones)
   * @throws IllegalArgumentException naming the figure that is not a number
   */
  public static List<Double> parseCallCosts(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    String[] parts = text.split(",");
    Double[] us = new Double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        us[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "call costs: '"
                + parts[i].trim()
                + "' is not a number (six comma-separated"
                + " microsecond figures)",
            e);
      }
    }
    return List.of(us);
  }

  /**
   * Returns these options with another recurrence layout.
   *
   * @param layout the layout
   * @return the new options
   */
  public EngineOptions withRecurrence(Recurrence layout) {
    return new EngineOptions(layout, callCosts, cudaTf32);
  }
}
