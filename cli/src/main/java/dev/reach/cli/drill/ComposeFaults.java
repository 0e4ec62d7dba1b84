package dev.reach.cli.drill;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Faults for the containers of a compose project, through the Docker engine: {@code docker kill}, {@code
 * start}, {@code restart}, {@code pause}/{@code unpause} and {@code network disconnect}/{@code connect}.
 * Containers are found by the compose project label and Reach's role label ({@code dev.reach.role} in
 * {@code docker/docker-compose.yml}), never by container names (compose v1 and v2 name them differently).
 */
public final class ComposeFaults implements FaultInjector {
  static final String PROJECT_LABEL = "com.docker.compose.project";
  static final String SERVICE_LABEL = "com.docker.compose.service";
  static final String ROLE_LABEL = "dev.reach.role";
  /** Where the compose file mounts the volume every runner shares. */
  public static final String JOB_DIR = "/var/lib/reach/drill";

  private final DockerCli docker;
  private final String project;
  private final int stopGraceSeconds;
  /** Networks (and their aliases) a disconnected container was on, to connect it back as it was. */
  private final Map<String, Map<String, List<String>>> cut = new LinkedHashMap<>();

  private ComposeFaults(DockerCli docker, String project, int stopGraceSeconds) {
    this.docker = docker;
    this.project = project;
    this.stopGraceSeconds = stopGraceSeconds;
  }

  /**
   * The injector for {@code project}; null project: the one compose project with Reach containers (an
   * error naming them when there are several, or none).
   */
  public static ComposeFaults open(String dockerExecutable, String project, int stopGraceSeconds) {
    DockerCli docker = new DockerCli(dockerExecutable);
    if (project == null || project.isBlank()) {
      TreeSet<String> projects = new TreeSet<>();
      for (String line : docker.run("ps", "-a", "--filter", "label=" + ROLE_LABEL,
          "--format", "{{.Label \"" + PROJECT_LABEL + "\"}}").split("\n")) {
        if (!line.isBlank()) {
          projects.add(line.strip());
        }
      }
      if (projects.size() != 1) {
        throw new DrillException(projects.isEmpty()
            ? "no containers with the label " + ROLE_LABEL + " on this Docker engine: is the compose cluster up?"
            : "several compose projects run Reach (" + String.join(", ", projects)
                + "): name one with --project or COMPOSE_PROJECT_NAME");
      }
      project = projects.first();
    }
    ComposeFaults faults = new ComposeFaults(docker, project, stopGraceSeconds);
    if (faults.members(Role.HUB).isEmpty() && faults.members(Role.ORCHESTRATOR).isEmpty()) {
      throw new DrillException("compose project '" + project + "' has no Reach containers (label " + ROLE_LABEL + ")");
    }
    return faults;
  }

  @Override
  public String describe() {
    return "compose project " + project;
  }

  @Override
  public List<Member> members(Role role) {
    List<Member> out = new ArrayList<>();
    String listing = docker.run("ps", "-a", "--filter", "label=" + PROJECT_LABEL + "=" + project,
        "--filter", "label=" + ROLE_LABEL + "=" + role.label(),
        "--format", "{{.ID}} {{.Label \"" + SERVICE_LABEL + "\"}}");
    for (String line : listing.split("\n")) {
      String[] f = line.strip().split(" ", 2);
      if (f.length == 2) {
        out.add(new Member(f[1], role, f[0]));
      }
    }
    out.sort(Comparator.comparing(Member::name));
    return out;
  }

  /** An orchestrator's node id is {@code orchestrator-PID@HOST-SUFFIX}; a container's host name is its own. */
  @Override
  public Member orchestrator(String nodeId) {
    for (Member m : members(Role.ORCHESTRATOR)) {
      String host = docker.run("inspect", "-f", "{{.Config.Hostname}}", m.handle());
      if (nodeId != null && nodeId.contains("@" + host + "-")) {
        return m;
      }
    }
    return null;
  }

  /** A runner's id is its {@code REACH_RUNNER_ID}, else {@code HOST-PID}. */
  @Override
  public Member runner(String runnerId) {
    for (Member m : members(Role.RUNNER)) {
      String env = docker.run("inspect", "-f", "{{.Config.Hostname}}{{range .Config.Env}} {{.}}{{end}}", m.handle());
      String[] f = env.split(" ");
      for (int i = 1; i < f.length; i++) {
        if (f[i].equals("REACH_RUNNER_ID=" + runnerId)) {
          return m;
        }
      }
      if (runnerId != null && runnerId.startsWith(f[0] + "-")) {
        return m;
      }
    }
    return null;
  }

  @Override
  public void kill(Member m) {
    docker.run("kill", "--signal", "KILL", m.handle());
  }

  @Override
  public void start(Member m) {
    if (!running(m)) {
      docker.run("start", m.handle());
    }
  }

  @Override
  public void restart(Member m) {
    docker.run("restart", "--time", Integer.toString(stopGraceSeconds), m.handle());
  }

  /**
   * The cgroup freezer can fail to freeze a busy container in time ("unable to freeze"): tried again, at
   * most {@link #FREEZER_TRIES} times a second apart, as is a failed thaw (a database left frozen is worse).
   */
  @Override
  public void pause(Member m) {
    freezer("pause", m);
  }

  @Override
  public void unpause(Member m) {
    freezer("unpause", m);
  }

  static final int FREEZER_TRIES = 5;

  private void freezer(String action, Member m) {
    for (int i = 1; ; i++) {
      try {
        docker.run(action, m.handle());
        return;
      } catch (DrillException e) {
        if (i >= FREEZER_TRIES) {
          throw e;
        }
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @Override
  public void disconnect(Member m) {
    JsonObject networks = new JsonObject(docker.run("inspect", "-f", "{{json .NetworkSettings.Networks}}", m.handle()));
    Map<String, List<String>> was = new LinkedHashMap<>();
    for (String net : networks.fieldNames()) {
      List<String> aliases = new ArrayList<>();
      Object a = networks.getJsonObject(net).getValue("Aliases");
      if (a instanceof io.vertx.core.json.JsonArray arr) {
        arr.forEach(x -> aliases.add(String.valueOf(x)));
      }
      was.put(net, aliases);
    }
    if (was.isEmpty()) {
      throw new DrillException(m + " is on no network to cut it off from");
    }
    cut.put(m.handle(), was);
    for (String net : was.keySet()) {
      docker.run("network", "disconnect", net, m.handle());
    }
  }

  @Override
  public void reconnect(Member m) {
    Map<String, List<String>> was = cut.remove(m.handle());
    if (was == null) {
      return;
    }
    for (Map.Entry<String, List<String>> e : was.entrySet()) {
      List<String> args = new ArrayList<>(List.of("network", "connect"));
      for (String alias : new TreeSet<>(e.getValue())) {
        args.add("--alias");
        args.add(alias);
      }
      args.add(e.getKey());
      args.add(m.handle());
      docker.run(args.toArray(String[]::new));
    }
  }

  @Override
  public boolean awaitHealthy(Member m, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String state = docker.run("inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
          m.handle());
      if (state.equals("running healthy") || (m.role() == Role.DATABASE && state.equals("running"))) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private boolean running(Member m) {
    return "true".equals(docker.run("inspect", "-f", "{{.State.Running}}", m.handle()));
  }

  @Override
  public String jobDir() {
    return JOB_DIR;
  }

  @Override
  public String readStamps(String prefix) {
    for (Member m : members(Role.RUNNER)) {
      if (running(m)) {
        return docker.run("exec", m.handle(), "sh", "-c", "cd " + JOB_DIR + " && for f in " + prefix + "*.stamps; do"
            + " [ -e \"$f\" ] && sed \"s/^/${f%.stamps} /\" \"$f\"; done; true");
      }
    }
    throw new DrillException("no runner container of " + project + " runs: cannot read the drill's stamps");
  }
}
