package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What every {@code reachctl} command promises, checked over the whole picocli tree so a command added
 * later without it fails here: {@code --json} exists; the documented exit codes are 0–3 only; a usage
 * error exits 2 (as one JSON line on stderr with {@code --json}); a hub on a closed port exits 3 with a
 * message naming the URL (or the error contract's {@code UNREACHABLE} with {@code --json}).
 */
class JsonAndExitCodesTest {
  /** picocli's own {@code help} command: it prints help, nothing else. */
  static final Set<String> NOT_OURS = Set.of("reachctl help");

  static String dead;

  @TempDir Path tmp;

  @BeforeAll
  static void closedPort() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    dead = "http://127.0.0.1:" + port; // closed again: a connection is refused
  }

  /** Every command of the tree, by its qualified name ({@code reachctl dead-letters list}). */
  static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new LinkedHashMap<>();
    walk(ReachCtl.commandLine(new CliHarness().cli()), all);
    return all;
  }

  private static void walk(CommandLine cl, Map<String, CommandLine> into) {
    into.put(cl.getCommandSpec().qualifiedName(), cl);
    for (CommandLine sub : new java.util.LinkedHashSet<>(cl.getSubcommands().values())) {
      walk(sub, into);
    }
  }

  private static String[] args(String qualifiedName, String... more) {
    List<String> a = new ArrayList<>(Arrays.asList(qualifiedName.split(" ")));
    a.remove(0); // reachctl
    a.addAll(Arrays.asList(more));
    return a.toArray(String[]::new);
  }

  @Test
  void everyCommandHasJson() {
    Map<String, CommandLine> all = commands();
    assertThat(all).containsKeys("reachctl", "reachctl submit", "reachctl dev", "reachctl service", "reachctl bench",
        "reachctl token create", "reachctl drill run", "reachctl tls dev-ca", "reachctl audit verify");
    List<String> without = new ArrayList<>();
    all.forEach((name, cl) -> {
      if (!NOT_OURS.contains(name) && cl.getCommandSpec().findOption("--json") == null) {
        without.add(name);
      }
    });
    assertThat(without).as("commands without --json (add @Mixin JsonOption)").isEmpty();
  }

  @Test
  void everyDocumentedExitCodeIsOneOfTheFour() {
    commands().forEach((name, cl) -> {
      for (String code : cl.getCommandSpec().usageMessage().exitCodeList().keySet()) {
        assertThat(code.strip()).as(name + " exit code").isIn("0", "1", "2", "3");
      }
    });
    CliHarness h = new CliHarness();
    assertThat(h.run("--help")).isZero();
    assertThat(h.out()).contains("Exit codes:", "0   success", "run that ended FAILED or CANCELLED", "2   bad usage",
        "3   the Reach hub cannot be reached", "--json");
  }

  @Test
  void aUsageErrorExits2ForEveryCommandAndIsJsonWithJson() {
    commands().forEach((name, cl) -> {
      if (NOT_OURS.contains(name)) {
        return;
      }
      CliHarness plain = new CliHarness();
      assertThat(plain.run(args(name, "--no-such-option"))).as(name).isEqualTo(ExitCodes.USAGE);
      assertThat(plain.err()).as(name).contains("Usage:"); // the error, then the usage
      assertThat(plain.out()).as(name).isEmpty();

      CliHarness json = new CliHarness();
      assertThat(json.run(args(name, "--no-such-option", "--json"))).as(name).isEqualTo(ExitCodes.USAGE);
      JsonObject error = new JsonObject(json.err().strip()).getJsonObject("error");
      assertThat(error.getString("code")).as(name).isEqualTo("USAGE");
      assertThat(error.getString("message")).as(name).isNotBlank();
      assertThat(error.getInteger("exit_code")).isEqualTo(2);
      assertThat(json.out()).as(name).isEmpty();
    });
  }

  @Test
  void groupsAloneAreUsageErrors() {
    for (String group : List.of("reachctl", "reachctl admin", "reachctl token", "reachctl dead-letters")) {
      CliHarness plain = new CliHarness();
      assertThat(plain.run(args(group))).as(group).isEqualTo(2);
      assertThat(plain.err()).contains("Usage:");
      CliHarness json = new CliHarness();
      assertThat(json.run(args(group, "--json"))).as(group).isEqualTo(2);
      assertThat(new JsonObject(json.err().strip()).getJsonObject("error").getString("message"))
          .contains("a command is needed after '" + group + "'");
    }
  }

  @Test
  void missingArgumentsAndBadValuesExit2() {
    for (String[] a : new String[][] {{"status"}, {"logs", "r"}, {"submit"}, {"nope"}, {"logs", "r", "j", "--attempt", "x"},
        {"logs", "r", "j", "--attempt", "0"}, {"token", "create", "--name", "n", "--role", "king"}}) {
      CliHarness h = new CliHarness();
      assertThat(h.run(a)).as(String.join(" ", a)).isEqualTo(2);
      List<String> withJson = new ArrayList<>(Arrays.asList(a));
      withJson.add("--json");
      CliHarness j = new CliHarness();
      assertThat(j.run(withJson.toArray(String[]::new))).as(String.join(" ", a)).isEqualTo(2);
      assertThat(new JsonObject(j.err().strip()).getJsonObject("error").getInteger("exit_code")).isEqualTo(2);
    }
  }

  /** Arguments that take each API command past its own checks to its first request. */
  private Map<String, String[]> apiCalls() {
    Map<String, String[]> m = new LinkedHashMap<>();
    m.put("reachctl submit", new String[] {"-"});
    m.put("reachctl status", new String[] {"r-1"});
    m.put("reachctl logs", new String[] {"r-1", "build"});
    m.put("reachctl cancel", new String[] {"r-1"});
    m.put("reachctl runners", new String[] {});
    m.put("reachctl dead-letters list", new String[] {});
    m.put("reachctl dead-letters show", new String[] {"j-1"});
    m.put("reachctl dead-letters requeue", new String[] {"j-1"});
    m.put("reachctl admin backup", new String[] {"--token", "t", "--out", tmp.resolve("backups").toString()});
    m.put("reachctl admin rebuild-projections", new String[] {"--dry-run", "--token", "t"});
    m.put("reachctl debug dump-state", new String[] {"r-1", "--token", "t"});
    m.put("reachctl audit export", new String[] {"--token", "t"});
    m.put("reachctl demo", new String[] {"--token", "t"});
    m.put("reachctl secret set", new String[] {"NAME", "--token", "t"});
    m.put("reachctl secret list", new String[] {"--token", "t"});
    m.put("reachctl secret delete", new String[] {"NAME", "--token", "t"});
    m.put("reachctl drill run", new String[] {"runner-crash", "--target", "local", "--token", "t", "--job-dir",
        tmp.resolve("jobs").toString()});
    m.put("reachctl token create", new String[] {"--name", "n", "--role", "viewer", "--token", "t"});
    m.put("reachctl token list", new String[] {"--token", "t"});
    m.put("reachctl token revoke", new String[] {"tok-1", "--token", "t"});
    return m;
  }

  @Test
  void aClosedPortExits3NamingTheUrlForEveryApiCommand() {
    Map<String, String[]> calls = apiCalls();
    Set<String> withApi = new TreeSet<>();
    commands().forEach((name, cl) -> {
      if (cl.getCommandSpec().findOption("--api") != null) {
        withApi.add(name);
      }
    });
    assertThat(new TreeSet<>(calls.keySet())).as("every command with --api is checked here").isEqualTo(withApi);
    calls.forEach((name, extra) -> {
      CliHarness plain = new CliHarness().stdin("{\"name\":\"x\",\"jobs\":[]}\n");
      assertThat(plain.run(args(name, concat(extra, "--api", dead)))).as(name + ": " + plain.err()).isEqualTo(3);
      assertThat(plain.err()).as(name).contains("cannot reach the Reach hub at " + dead + " (connection refused)")
          .doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(plain.out()).as(name).isEmpty();

      CliHarness json = new CliHarness().stdin("{\"name\":\"x\",\"jobs\":[]}\n");
      assertThat(json.run(args(name, concat(extra, "--api", dead, "--json")))).as(name).isEqualTo(3);
      JsonObject error = new JsonObject(json.err().strip()).getJsonObject("error");
      assertThat(error.getString("code")).as(name).isEqualTo("UNREACHABLE");
      assertThat(error.getString("message")).as(name).contains("cannot reach the Reach hub at " + dead);
      assertThat(error.getInteger("exit_code")).isEqualTo(3);
      assertThat(json.out()).as(name).isEmpty();
    });
    // the plain message as it is printed, for the one command a person runs most
    CliHarness h = new CliHarness();
    assertThat(h.run("runners", "--api", dead)).isEqualTo(3);
    assertThat(h.err().strip()).isEqualTo("reachctl: cannot reach the Reach hub at " + dead + " (connection refused)");
    CliHarness j = new CliHarness();
    assertThat(j.run("runners", "--api", dead, "--json")).isEqualTo(3);
    assertThat(new JsonObject(j.err().strip())).isEqualTo(new JsonObject().put("error", new JsonObject()
        .put("code", "UNREACHABLE").put("message", "cannot reach the Reach hub at " + dead + " (connection refused)")
        .put("url", dead).put("retryable", true).put("exit_code", 3)));
  }

  @Test
  void theDefaultUrlAndAnUnknownHostAreNamedToo() {
    CliHarness h = new CliHarness().env(Map.of("REACH_API", "http://no-such-host.invalid:8080"));
    assertThat(h.run("status", "r-1")).isEqualTo(3);
    assertThat(h.err().strip())
        .isEqualTo("reachctl: cannot reach the Reach hub at http://no-such-host.invalid:8080 (unknown host: the DNS lookup failed)");
  }

  @Test
  void tlsToAPlainPortIsUnreachableWithTheReason() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // a plain HTTP listener: every connection (the client may open more than one) gets a plain answer to its
      // TLS hello, so the handshake fails at once instead of waiting for a listener that no longer accepts
      Thread t = new Thread(() -> {
        while (!s.isClosed()) {
          try (var c = s.accept()) {
            c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          } catch (IOException ignored) {
            // closed by the test
          }
        }
      });
      t.setDaemon(true);
      t.start();
      String url = "https://127.0.0.1:" + s.getLocalPort();
      CliHarness h = new CliHarness();
      assertThat(h.run("runners", "--api", url)).isEqualTo(3);
      assertThat(h.err()).contains("reachctl: cannot reach the Reach hub at " + url + " (TLS");
    }
  }

  private static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(Arrays.asList(a));
    l.addAll(Arrays.asList(b));
    return l.toArray(String[]::new);
  }
}
