package io.modstream.trainer;

import io.modstream.model.training.ModelTrainer;
import java.util.Map;
import picocli.CommandLine.IVersionProvider;

/** Prints modstream's, DL4J's and the JVM's versions. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Map<String, String> env = ModelTrainer.environment();
    return new String[] {
      "modstream trainer " + env.getOrDefault("modstream.version", "unknown"),
      "deeplearning4j "
          + env.getOrDefault("dl4j.version", "unknown")
          + " ("
          + env.get("nd4j.backend")
          + " "
          + env.get("nd4j.classifier")
          + ")",
      "java " + env.get("java.version") + " on " + env.get("os") + " " + env.get("arch")
    };
  }
}
