package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modstream.model.ScoreCalibration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlendingTest {

  @Test
  void plattRecoversAKnownLogisticRelation() {
    Random r = new Random(1);
    int n = 20_000;
    double[] z = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      z[i] = r.nextGaussian() * 2;
      y[i] = r.nextDouble() < ScoreCalibration.sigmoid(0.5 * z[i] - 1);
    }
    double[] ab = Blending.platt(z, y);
    assertThat(ab[0]).isCloseTo(0.5, within(0.05));
    assertThat(ab[1]).isCloseTo(-1, within(0.1));
  }

  @Test
  void theBlendFavoursTheInformativeModelAndSlopesArePositive() {
    Random r = new Random(2);
    int n = 2_000;
    float[][] network = new float[n][1];
    double[][] linear = new double[n][1];
    boolean[][] truth = new boolean[n][1];
    for (int i = 0; i < n; i++) {
      truth[i][0] = r.nextDouble() < 0.2;
      network[i][0] = (float) r.nextDouble(); // noise
      linear[i][0] = (truth[i][0] ? 1.5 : -1.5) + r.nextGaussian();
    }
    ScoreCalibration c = Blending.fit(network, linear, truth);
    assertThat(c.networkWeight()).isLessThanOrEqualTo(0.2);
    assertThat(c.slopes().get(0)).isPositive();
  }

  @Test
  void calibrationKeepsOrder() {
    ScoreCalibration c = new ScoreCalibration(0.4, List.of(0.7), List.of(-2.0));
    double previous = -1;
    for (double p = 0.01; p < 1; p += 0.01) {
      double s = c.apply(0, p, 0.3);
      assertThat(s).isGreaterThan(previous);
      previous = s;
    }
  }
}
