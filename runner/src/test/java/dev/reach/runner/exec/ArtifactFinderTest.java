package dev.reach.runner.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Artifact globs pick regular files of the workspace only: no symlinks, nothing outside. */
class ArtifactFinderTest {
  private Path root;
  private Path ws;
  private Path outside;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createTempDirectory("reach-artifacts-");
    ws = Files.createDirectories(root.resolve("ws"));
    outside = Files.createDirectories(root.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "not yours");
    Files.writeString(outside.resolve("secret.log"), "not yours");
    for (String f : List.of("out/a.txt", "out/b.txt", "out/c.log", "out/sub/d.txt", "logs/x.log", "deep/er/y.log", "readme.md")) {
      Path p = ws.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    Workspace.delete(root);
  }

  private TreeMap<String, Path> find(String... globs) throws Exception {
    return ArtifactFinder.find(ws, List.of(globs));
  }

  private void assertAllInsideWorkspace(Map<String, Path> found) throws Exception {
    Path real = ws.toRealPath();
    for (Map.Entry<String, Path> e : found.entrySet()) {
      assertThat(e.getValue()).isEqualTo(ws.resolve(e.getKey()));
      assertThat(Files.isSymbolicLink(e.getValue())).as("%s is a symlink", e.getKey()).isFalse();
      assertThat(e.getValue().toRealPath()).as("%s resolves inside the workspace", e.getKey()).startsWith(real);
    }
  }

  @Test
  void singleStarStaysInItsDirectory() throws Exception {
    TreeMap<String, Path> found = find("out/*.txt");

    assertThat(found).containsOnlyKeys("out/a.txt", "out/b.txt");
    assertAllInsideWorkspace(found);
  }

  @Test
  void doubleStarCrossesDirectories() throws Exception {
    TreeMap<String, Path> found = find("**/*.log");

    assertThat(found).containsKeys("out/c.log", "logs/x.log", "deep/er/y.log");
    assertThat(found.keySet()).allMatch(n -> n.endsWith(".log"));
    assertAllInsideWorkspace(found);
  }

  @Test
  void severalGlobsGiveTheUnionInNameOrder() throws Exception {
    TreeMap<String, Path> found = find("out/*.txt", "logs/*.log", "out/a.txt", "readme.md");

    assertThat(found.keySet()).containsExactly("logs/x.log", "out/a.txt", "out/b.txt", "readme.md");
    assertThat(Files.readString(found.get("out/a.txt"))).isEqualTo("out/a.txt");
  }

  @Test
  void noGlobsNoFiles() throws Exception {
    assertThat(find()).isEmpty();
  }

  @Test
  void directoriesAreNotArtifacts() throws Exception {
    assertThat(find("out/*", "out/sub")).containsOnlyKeys("out/a.txt", "out/b.txt", "out/c.log");
  }

  @Test
  void symlinksAreNotFollowedNorReturned() throws Exception {
    Files.createSymbolicLink(ws.resolve("out/passwd.txt"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(ws.resolve("out/secret.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(ws.resolve("out/inner.txt"), ws.resolve("out/a.txt"));
    Files.createSymbolicLink(ws.resolve("out/dangling.txt"), ws.resolve("nope"));
    Files.createSymbolicLink(ws.resolve("linkdir"), outside);
    Files.createSymbolicLink(ws.resolve("etc"), Path.of("/etc"));

    TreeMap<String, Path> found = find("out/*.txt", "**/*.txt", "**/*.log", "linkdir/*", "etc/passwd", "**");

    assertThat(found).doesNotContainKeys("out/passwd.txt", "out/secret.txt", "out/inner.txt", "out/dangling.txt",
        "linkdir/secret.txt", "linkdir/secret.log", "etc/passwd", "linkdir", "etc");
    assertThat(found.keySet()).noneMatch(n -> n.startsWith("linkdir") || n.startsWith("etc"));
    assertThat(find("out/*.txt")).containsOnlyKeys("out/a.txt", "out/b.txt");
    assertAllInsideWorkspace(found);
  }

  @Test
  void nothingOutsideTheWorkspaceMatches() throws Exception {
    assertThat(find("../outside/secret.txt", "../outside/*", "../**", "/etc/passwd", "/**")).isEmpty();

    TreeMap<String, Path> all = find("**");
    assertThat(all).isNotEmpty();
    assertAllInsideWorkspace(all);
  }
}
