package io.redisha.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Fails when a committed copy of the CRD differs from what the Java classes generate. To refresh
 * the copies after changing the classes: {@code ./mvnw verify -Dtest=CrdDriftTest
 * -Dredisha.updateCrds=true}.
 */
class CrdDriftTest {
  @Test
  void committedCrdsEqualTheGeneratedOne() throws IOException {
    String generated = GeneratedCrd.generate();
    boolean update = Boolean.getBoolean("redisha.updateCrds");
    for (Path copy : GeneratedCrd.COMMITTED_COPIES) {
      if (update) {
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, generated);
      }
      assertThat(copy)
          .as("committed CRD %s (refresh with -Dredisha.updateCrds=true)", copy)
          .exists();
      assertThat(Files.readString(copy))
          .as("%s drifted from the Java classes; refresh with -Dredisha.updateCrds=true", copy)
          .isEqualTo(generated);
    }
  }
}
