package dev.reach.shared.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The diagram in docs/job-states.md shows exactly the transition table: it cannot drift. */
class TransitionsDiagramTest {
  private static final Pattern EDGE = Pattern.compile("^\\s*([A-Z]+) --> ([A-Z]+)\\b", Pattern.MULTILINE);

  @Test
  void diagramEdgesAreTheLegalTransitions() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "job-states.md"));
    Set<String> drawn = new HashSet<>();
    Matcher m = EDGE.matcher(doc);
    while (m.find()) {
      drawn.add(m.group(1) + ">" + m.group(2));
    }
    Set<String> legal = new HashSet<>();
    for (JobState from : JobState.values()) {
      for (JobState to : Transitions.from(from)) {
        legal.add(from + ">" + to);
      }
    }
    assertThat(drawn).isEqualTo(legal);
  }
}
