package io.modstream.streams;

import io.modstream.model.EngineOptions;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** The validators of {@link ScorerConfig}'s keys that Kafka's {@link ConfigDef} does not have. */
final class ConfigValidators {

  private ConfigValidators() {}

  /** Empty, or a registry URL that {@link SchemaRegistry#at} accepts. */
  static final class RegistryUrl implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String url = value == null ? "" : value.toString();
      if (!url.isBlank()) {
        try {
          SchemaRegistry.at(url);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, value, e.getMessage());
        }
      }
    }

    @Override
    public String toString() {
      return "empty, or an http(s) URL";
    }
  }

  /** Every listed file must hold an Ed25519 public key, so a typo fails at start. */
  static final class TrustedKeyFiles implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        trustedKeys(value);
      } catch (IOException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "empty, or paths of Ed25519 public key files";
    }
  }

  static TrustedKeys trustedKeys(Object files) throws IOException {
    List<Path> paths = new ArrayList<>();
    if (files instanceof List<?> list) {
      list.forEach(f -> paths.add(Path.of(f.toString().strip())));
    }
    return TrustedKeys.read(paths);
  }

  /** -1 (the automatic choice) or a positive count. */
  static final class AutoOrPositive implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      int v = (Integer) value;
      if (v != ScorerConfig.AUTO && v < 1) {
        throw new ConfigException(name, value, "use -1 for the automatic choice, or at least 1");
      }
    }

    @Override
    public String toString() {
      return "-1 (automatic) or at least 1";
    }
  }

  /** Checks scoring.onnx.call.costs as the engine will read it. */
  static final class CallCosts implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        new EngineOptions(
            EngineOptions.Recurrence.AUTO, EngineOptions.parseCallCosts((String) value), false);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "empty, or six comma-separated numbers";
    }
  }
}
