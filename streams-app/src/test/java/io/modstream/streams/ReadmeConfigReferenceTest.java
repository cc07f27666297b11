package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is generated from the definitions; this keeps it current. */
class ReadmeConfigReferenceTest {

  @Test
  void theReadmeHoldsTheGeneratedReference() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    for (String line : ScorerConfig.referenceTable().split("\n")) {
      assertThat(text)
          .as(
              "README.md is out of date: regenerate the table with 'java -jar"
                  + " streams-app/target/streams-app.jar config-reference'")
          .contains(line);
    }
  }
}
