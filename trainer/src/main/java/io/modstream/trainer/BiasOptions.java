package io.modstream.trainer;

import io.modstream.model.evaluation.IdentityTerms;
import io.modstream.model.evaluation.SubgroupBias;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How the unintended-bias figures are measured, shared by {@code train}, {@code evaluate}, {@code
 * retrain} and {@code serve} (docs/quality/bias.md).
 */
final class BiasOptions {

  @Option(
      names = "--identity-terms",
      paramLabel = "FILE",
      description =
          "Identity term list for the bias figures, one 'subgroup: term, term' a line; default:"
              + " the bundled list (docs/quality/bias.md).")
  Path identityTerms;

  @Option(
      names = "--bias-min-count",
      paramLabel = "N",
      description =
          "Fewest comments of each class a subgroup's bias figure needs; with fewer it is reported"
              + " as too few and left out of the worst figure and the gate.")
  int minCount = SubgroupBias.DEFAULT_MIN_PER_CLASS;

  SubgroupBias settings() throws IOException {
    IdentityTerms terms = IdentityTerms.read(identityTerms);
    try {
      return new SubgroupBias(terms, minCount, SubgroupBias.DEFAULT_LABEL);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--bias-min-count " + minCount + ": " + e.getMessage(), e);
    }
  }
}
