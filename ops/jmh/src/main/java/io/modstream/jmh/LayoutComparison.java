package io.modstream.jmh;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The served call ({@link ModerationModel#score(List)}, calls of 256 real comments by default) with
 * each ONNX graph layout, alternated round by round in one JVM. On a host whose speed drifts by
 * +-15-20% within minutes, separate JMH runs cannot resolve a 10% difference; rounds taken back to
 * back, in alternating order, share the drift, so their ratio can.
 *
 * <p>Usage (via {@code ops/jmh-bench --compare-layouts}): {@code [REPLICAS [ROUNDS [LAYOUT,...
 * [BATCH]]]]}, default {@code 2 10 fused,auto 256}; the first layout is the baseline of the ratios,
 * BATCH the comments per call (the streams app's calls below saturation hold a few dozen).
 */
public final class LayoutComparison {

  private LayoutComparison() {}

  public static void main(String[] args) throws InterruptedException {
    int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> layouts = List.of((args.length > 2 ? args[2] : "fused,auto").split(","));
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    if (replicas < 1 || rounds < 1 || layouts.size() < 2 || batch < 1) {
      throw new IllegalArgumentException(
          "usage: [REPLICAS >= 1 [ROUNDS >= 1 [LAYOUT,LAYOUT,... [BATCH >= 1]]]]");
    }
    ModelBundle bundle = BenchInputs.bundle();
    List<String> texts = BenchInputs.texts();
    ModelRuntime.configureNativeThreads(1);
    List<ModerationModel> models = new ArrayList<>();
    for (String layout : layouts) {
      models.add(
          ModerationModel.of(
              bundle,
              replicas,
              batch,
              InferenceEngine.ONNX,
              EngineOptions.DEFAULT.withRecurrence(EngineOptions.Recurrence.of(layout))));
    }
    System.out.printf(
        "%d comments per round, calls of %d, replicas: %d, %d rounds (+2 warm-up)%n",
        texts.size(), batch, replicas, rounds);
    double[][] rates = new double[layouts.size()][rounds];
    for (int round = -2; round < rounds; round++) {
      for (int i = 0; i < layouts.size(); i++) {
        int k = (round & 1) == 0 ? i : layouts.size() - 1 - i;
        long start = System.nanoTime();
        for (int from = 0; from + batch <= texts.size(); from += batch) {
          models.get(k).score(texts.subList(from, from + batch));
        }
        double rate = texts.size() / batch * batch / ((System.nanoTime() - start) / 1e9);
        if (round >= 0) {
          rates[k][round] = rate;
        }
      }
    }
    for (int k = 0; k < layouts.size(); k++) {
      double[] sorted = rates[k].clone();
      Arrays.sort(sorted);
      System.out.printf(
          "%-8s median %,.0f comments/s (%,.0f-%,.0f)%n",
          layouts.get(k), sorted[rounds / 2], sorted[0], sorted[rounds - 1]);
    }
    for (int k = 1; k < layouts.size(); k++) {
      double[] ratio = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        ratio[round] = rates[k][round] / rates[0][round];
      }
      Arrays.sort(ratio);
      System.out.printf(
          "%s / %s: median %.3f (%.3f-%.3f over the rounds)%n",
          layouts.get(k), layouts.get(0), ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    }
  }
}
