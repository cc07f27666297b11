package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthBatchesTest {

  @Test
  void costBatchesCoverEveryRowOnceWithinTheBatchSize() {
    Random random = new Random(5);
    int[][] rows = new int[300][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new int[1 + random.nextInt(128)];
    }
    List<int[]> batches = LengthBatches.byCost(rows, 64, 64, 0);
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
    List<int[]> cheapCalls = LengthBatches.byCost(rows, 256, 64, 0);
    assertThat(cheapCalls).hasSize(2);
    assertThat(cheapCalls.get(1)).containsExactly(64);
    // When a call costs more than the padding saved, everything goes in one batch.
    assertThat(LengthBatches.byCost(rows, 256, 100_000, 0)).hasSize(1);
  }

  @Test
  void aFixedCostPerStepKeepsRowsOfSimilarLengthTogether() {
    int[][] rows = new int[64][];
    for (int i = 0; i < 64; i++) {
      rows[i] = new int[i < 32 ? 100 : 120];
    }
    // Without a step cost two batches save 32 x 20 padded steps for one more call.
    assertThat(LengthBatches.byCost(rows, 256, 64, 0)).hasSize(2);
    // At 32 row-steps a step, the shorter batch's 100 steps cost more than that padding.
    assertThat(LengthBatches.byCost(rows, 256, 64, 32)).hasSize(1);
  }
}
