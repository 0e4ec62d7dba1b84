package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.error.ReachException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Raw artifact paths: percent-decoding per segment and validation before any normalisation. */
class ArtifactRequestPathTest {
  static final UUID JOB = UUID.fromString("0b5e8c1a-7f0e-4a43-9d4e-5a1d2b3c4d5e");

  @Test
  void parsesKeyAndDecodedPath() {
    ArtifactRequestPath p = ArtifactRequestPath.parse("/v1/artifacts/" + JOB.toString().toUpperCase() + "/3/out/a%20b+c.txt");
    assertThat(p.key()).isEqualTo(new LogKey(JOB, 3));
    assertThat(p.path()).isEqualTo("out/a b+c.txt");
    assertThat(ArtifactRequestPath.parse("/v1/artifacts/" + JOB + "/3/%C3%A9t%C3%A9").path()).isEqualTo("été");
  }

  @Test
  void theListingHasNoPath() {
    assertThat(ArtifactRequestPath.parse("/v1/artifacts/" + JOB + "/1").path()).isNull();
    assertThat(ArtifactRequestPath.parse("/v1/artifacts/" + JOB + "/1/").path()).isNull();
  }

  @Test
  void refusesTraversalAbsoluteAndBadEscapes() {
    for (String bad : new String[] {"../x", "/abs", "%2E%2E/x", "a/%2e%2e", "%C3", "%4"}) {
      assertThatThrownBy(() -> ArtifactRequestPath.parse("/v1/artifacts/" + JOB + "/1/" + bad))
          .as(bad)
          .isInstanceOfSatisfying(ReachException.class, e -> assertThat(e.field()).isEqualTo("path"));
    }
  }
}
