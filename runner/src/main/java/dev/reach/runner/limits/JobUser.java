package dev.reach.runner.limits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The unprivileged user jobs run as ({@code REACH_JOB_USER}): resolved once at start to a uid and
 * gid; the runner refuses to start when the user does not exist, is root, or the runner is not
 * root itself (only root may switch users) or lacks {@code setpriv} (util-linux). Each workspace is
 * handed to the user ({@code 0700}, owned by it); the runner's state directory stays {@code 0700}
 * root's, so a job can read neither the runner's files nor its journal.
 */
public record JobUser(String name, int uid, int gid) {
  public static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /** {@code UID:GID} for the watcher. */
  public String runAs() {
    return uid + ":" + gid;
  }

  /**
   * Resolves {@code user} (a name, a numeric uid of an account, or {@code UID:GID} with or without an
   * account); throws a message fit for the operator otherwise.
   */
  public static JobUser resolve(String user) throws IOException {
    if (!Files.isExecutable(SETPRIV)) {
      throw new IllegalStateException("REACH_JOB_USER=" + user + " needs " + SETPRIV + " (util-linux), which is not installed");
    }
    long self = effectiveUid();
    if (self != 0) {
      throw new IllegalStateException("REACH_JOB_USER=" + user + " needs the runner to run as root (it runs as uid " + self
          + "): only root may start jobs as another user");
    }
    String uid;
    String gid;
    if (user.matches("[0-9]+:[0-9]+")) {
      // a numeric uid:gid needs no account: a uid no one else uses is the safest job user
      uid = user.substring(0, user.indexOf(':'));
      gid = user.substring(user.indexOf(':') + 1);
    } else {
      uid = id("-u", user);
      gid = id("-g", user);
    }
    if (uid == null || gid == null) {
      throw new IllegalStateException("REACH_JOB_USER=" + user + ": no such user on this machine");
    }
    int u = Integer.parseInt(uid);
    if (u == 0) {
      throw new IllegalStateException("REACH_JOB_USER=" + user + " is root: jobs would not be isolated from the runner");
    }
    return new JobUser(user, u, Integer.parseInt(gid));
  }

  /** Gives {@code workspace} to the job user, {@code 0700}. Blocking. */
  public void own(Path workspace) throws IOException {
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(workspace, "unix:uid", uid);
    Files.setAttribute(workspace, "unix:gid", gid);
  }

  /**
   * Checks the job user can reach {@code dir} (every ancestor searchable by others), so its
   * workspace path resolves for it; throws a message naming the directory that blocks it.
   */
  public void checkReachable(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IllegalStateException("REACH_JOB_USER=" + name + ": " + p + " is not searchable by other users (o+x),"
            + " so jobs could not reach their workspaces under " + dir);
      }
    }
  }

  static long effectiveUid() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
      }
    }
    throw new IOException("no Uid line in /proc/self/status");
  }

  private static String id(String flag, String user) throws IOException {
    Process p = new ProcessBuilder(List.of("id", flag, user)).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("id " + flag + " " + user + " did not answer");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && out.matches("[0-9]+") ? out : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted resolving " + user, e);
    }
  }
}
