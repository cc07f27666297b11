package io.modstream.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallCostFitTest {

  /** Cells of {@code call + steps x (step + rows x rowStep)}, each off by up to +-{@code noise}. */
  private static List<double[]> cells(double call, double step, double rowStep, double noise) {
    Random random = new Random(3);
    List<double[]> cells = new ArrayList<>();
    for (int steps : new int[] {8, 16, 32, 64, 128}) {
      for (int rows : new int[] {1, 2, 4, 8, 16, 32, 64, 128, 256}) {
        double micros =
            (call + steps * (step + rows * rowStep)) * (1 + noise * (2 * random.nextDouble() - 1));
        cells.add(new double[] {rows, steps, micros, micros});
      }
    }
    return cells;
  }

  @Test
  void recoversTheCostsTheCellsWereMadeFrom() {
    double[] fit = CallCostFit.fit(cells(58.2, 0.89, 3.9, 0.02), 2);
    assertThat(fit[0]).isCloseTo(58.2, within(6.0));
    assertThat(fit[1]).isCloseTo(0.89, within(0.5));
    assertThat(fit[2]).isCloseTo(3.9, within(0.05));
  }

  @Test
  void aTermFittedBelowZeroIsDroppedAndTheRestFittedAgain() {
    // A slightly negative per-call part (noise can fit one): the cost model takes none below zero.
    double[] fit = CallCostFit.fit(cells(-20, 17.7, 2.6, 0), 3);
    assertThat(fit[0]).isZero();
    // The step term takes up what the call term gave (-20 us over 8-128 steps).
    assertThat(fit[1]).isBetween(15.0, 17.7);
    assertThat(fit[2]).isCloseTo(2.6, within(0.05));
  }
}
