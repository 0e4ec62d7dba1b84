package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Services depend on shared only: no service's build or source refers to another service. */
class ModuleBoundariesTest {
  private static final List<String> SERVICES = List.of("orchestrator", "runner", "artifact-store", "hub");
  private static final Pattern REACH_DEP = Pattern.compile("<artifactId>reach-([a-z-]+)</artifactId>");

  private static String packageOf(String module) {
    return "dev.reach." + (module.equals("artifact-store") ? "artifacts" : module);
  }

  @ParameterizedTest
  @ValueSource(strings = {"orchestrator", "runner", "artifact-store", "hub"})
  void aServiceDependsOnSharedOnly(String module) throws IOException {
    Path root = Path.of("..");
    String pom = Files.readString(root.resolve(module).resolve("pom.xml")).replaceAll("(?s)<parent>.*?</parent>", "");
    Matcher m = REACH_DEP.matcher(pom);
    while (m.find()) {
      if (!m.group(1).equals(module)) {
        assertThat(m.group(1)).as(module + " depends on reach-" + m.group(1)).isEqualTo("shared");
      }
    }
    try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        for (String other : SERVICES) {
          if (!other.equals(module)) {
            assertThat(source).as(file + " refers to " + other).doesNotContain("import " + packageOf(other) + ".");
          }
        }
      }
    }
  }
}
