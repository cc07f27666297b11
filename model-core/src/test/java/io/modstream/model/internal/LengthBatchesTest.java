package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthBatchesTest {

  /** A call costs {@code call} plus its steps times its rows plus {@code step}, in row-steps. */
  private static LengthBatches.CallCost rowSteps(int call, int step) {
    return (rows, steps) -> call + (long) steps * (rows + step);
  }

  @Test
  void costBatchesCoverEveryRowOnceWithinTheBatchSize() {
    Random random = new Random(5);
    int[][] rows = new int[300][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new int[1 + random.nextInt(128)];
    }
    List<int[]> batches = LengthBatches.byCost(rows, 64, rowSteps(64, 0));
    List<Integer> seen = new ArrayList<>();
    for (int[] batch : batches) {
      assertThat(batch.length).isBetween(1, 64);
      for (int i : batch) {
        seen.add(i);
      }
    }
    assertThat(seen).hasSize(rows.length).doesNotHaveDuplicates();
  }

  @Test
  void shortRowsAreNotPaddedToALongOneWhenACallCostsLessThanThePadding() {
    int[][] rows = new int[65][];
    for (int i = 0; i < 64; i++) {
      rows[i] = new int[5];
    }
    rows[64] = new int[128];
    // One batch would cost 65 x 128 steps; two cost 64 x 5 + 128 plus one more call.
    List<int[]> cheapCalls = LengthBatches.byCost(rows, 256, rowSteps(64, 0));
    assertThat(cheapCalls).hasSize(2);
    assertThat(cheapCalls.get(1)).containsExactly(64);
    // When a call costs more than the padding saved, everything goes in one batch.
    assertThat(LengthBatches.byCost(rows, 256, rowSteps(100_000, 0))).hasSize(1);
  }

  @Test
  void aFixedCostPerStepKeepsRowsOfSimilarLengthTogether() {
    int[][] rows = new int[64][];
    for (int i = 0; i < 64; i++) {
      rows[i] = new int[i < 32 ? 100 : 120];
    }
    // Without a step cost two batches save 32 x 20 padded steps for one more call.
    assertThat(LengthBatches.byCost(rows, 256, rowSteps(64, 0))).hasSize(2);
    // At 32 row-steps a step, the shorter batch's 100 steps cost more than that padding.
    assertThat(LengthBatches.byCost(rows, 256, rowSteps(64, 32))).hasSize(1);
  }

  @Test
  void eachBatchIsChargedWhatItsOwnSizeCosts() {
    int[][] rows = new int[40][];
    for (int i = 0; i < 40; i++) {
      rows[i] = new int[i < 20 ? 30 : 40];
    }
    // Below 16 rows a call costs 2 row-steps a row, from 16 one: so the 40 rows go in calls of at
    // least 16, the 20 short ones on their own (20 x 30 + 20 x 40 = 1,400 against 1,600 as one).
    LengthBatches.CallCost wideIsCheaper = (n, steps) -> (long) steps * n * (n < 16 ? 2 : 1);
    List<int[]> batches = LengthBatches.byCost(rows, 256, wideIsCheaper);
    assertThat(batches).extracting(b -> b.length).containsExactly(20, 20);
  }
}
