package io.modstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelledDatasetTest {

  @Test
  void stratifiedSplitIsDeterministicDisjointAndKeepsRareLabelsInBothParts() {
    LabelledDataset data = TestData.sample(Integer.MAX_VALUE);
    LabelledDataset.Split a = data.stratifiedSplit(0.2, 42);
    LabelledDataset.Split b = data.stratifiedSplit(0.2, 42);
    assertThat(a.validation().rows()).isEqualTo(b.validation().rows());
    assertThat(a.train().size() + a.validation().size()).isEqualTo(data.size());
    Set<String> ids = new HashSet<>();
    a.train().rows().forEach(r -> ids.add(r.id()));
    a.validation().rows().forEach(r -> assertThat(ids.add(r.id())).as("id in both parts").isTrue());
    int[] all = data.positives();
    int[] validation = a.validation().positives();
    for (int j = 0; j < all.length; j++) {
      // Each label lands in validation close to 20%; the rarest positive label decides a row's
      // stratum, so common labels may drift by a few rows.
      assertThat(validation[j])
          .as(data.labels().get(j))
          .isBetween((int) (all[j] * 0.12), (int) Math.ceil(all[j] * 0.28));
    }
    assertThat(data.stratifiedSplit(0.2, 43).validation().rows())
        .isNotEqualTo(a.validation().rows());
  }

  @Test
  void stratifiedFoldsHoldOutEveryRowOnceAndSpreadRareLabels() {
    LabelledDataset data = TestData.sample(1000);
    List<LabelledDataset.Split> folds = data.stratifiedFolds(5, 42);
    assertThat(folds).hasSize(5);
    Set<String> heldOut = new HashSet<>();
    int threat = data.labels().indexOf("threat");
    for (LabelledDataset.Split f : folds) {
      assertThat(f.train().size() + f.validation().size()).isEqualTo(1000);
      for (LabelledComment row : f.validation().rows()) {
        assertThat(heldOut.add(row.id())).as("row %s held out twice", row.id()).isTrue();
      }
      Set<String> train = new HashSet<>();
      f.train().rows().forEach(r -> train.add(r.id()));
      assertThat(f.validation().rows()).noneMatch(r -> train.contains(r.id()));
      assertThat(f.validation().positives()[threat]).isGreaterThan(0);
    }
    assertThat(heldOut).hasSize(1000);
    assertThat(data.stratifiedFolds(5, 42).get(2).validation().rows())
        .isEqualTo(folds.get(2).validation().rows());
  }
}
