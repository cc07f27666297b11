package io.modstream.trainer;

import io.modstream.model.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress on the terminal (standard error): one progress bar per epoch with the
 * step, the running loss, rows/s and the ETA, then a line per epoch with its validation figures.
 */
final class ConsoleProgress implements TrainingListener, AutoCloseable {

  private final PrintStream out;
  private int epochs;
  private int stepsPerEpoch;
  private ProgressBar bar;
  private long epochStartNanos;
  private long epochRows;
  private double lossSum;

  ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onStart(int epochs, int stepsPerEpoch, int trainRows, long parameters) {
    this.epochs = epochs;
    this.stepsPerEpoch = stepsPerEpoch;
    out.printf(
        Locale.ROOT,
        "training: up to %d epochs x %d steps over %d rows, %,d parameters%n",
        epochs,
        stepsPerEpoch,
        trainRows,
        parameters);
  }

  @Override
  public void onStep(int epoch, int step, int rows, double loss) {
    if (step == 1) {
      closeBar();
      epochStartNanos = System.nanoTime();
      epochRows = 0;
      lossSum = 0;
      bar =
          new ProgressBarBuilder()
              .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
              .setInitialMax(stepsPerEpoch)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
              .setUpdateIntervalMillis(500)
              .showSpeed()
              .setUnit(" steps", 1)
              .build();
    }
    epochRows += rows;
    lossSum += loss;
    double seconds = (System.nanoTime() - epochStartNanos) / 1e9;
    bar.stepTo(step);
    bar.setExtraMessage(
        String.format(
            Locale.ROOT,
            "loss %.4f, %.0f rows/s",
            lossSum / step,
            seconds > 0 ? epochRows / seconds : 0.0));
  }

  @Override
  public void onEpochEnd(EpochResult result) {
    closeBar();
    out.printf(
        Locale.ROOT,
        "epoch %d/%d: loss %.4f, validation mean ROC-AUC %.4f, PR-AUC %.4f, %.0f s%s%n",
        result.epoch(),
        epochs,
        result.meanLoss(),
        result.validation().meanRocAuc(),
        result.validation().meanPrAuc(),
        result.seconds(),
        result.best() ? " (best so far)" : "");
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public void close() {
    closeBar();
  }
}
