package dev.reach.runner.limits;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The unprivileged users jobs run as ({@code REACH_JOB_USER}, a comma-separated list): one user per
 * running job, so no job can read another's environment ({@code /proc/PID/environ}) or files — a
 * process may read those of its own user only. There must be at least as many users as slots, each
 * distinct and not root. A user goes back to the pool only after every process it still owns (a
 * leftover that escaped the job's process group) is killed, so the next job it runs finds nothing of
 * the last one running.
 */
public final class JobUsers {
  private static final Logger LOG = Logger.getLogger(JobUsers.class.getName());

  private final List<JobUser> all;
  private final Deque<JobUser> free;

  JobUsers(List<JobUser> users) {
    this.all = List.copyOf(users);
    this.free = new ArrayDeque<>(users);
  }

  /**
   * Resolves {@code spec} (user names or numeric uids, comma-separated) for a runner with {@code slots}
   * slots; throws a message naming the setting when a user cannot be used or there are too few.
   */
  public static JobUsers resolve(String spec, int slots) throws IOException {
    List<JobUser> users = new ArrayList<>();
    Set<Integer> uids = new HashSet<>();
    for (String name : spec.split(",")) {
      String n = name.strip();
      if (n.isEmpty()) {
        continue;
      }
      JobUser u = JobUser.resolve(n);
      if (!uids.add(u.uid())) {
        throw new IllegalStateException("REACH_JOB_USER=" + spec + ": uid " + u.uid() + " is listed twice; each running"
            + " job needs a user of its own");
      }
      users.add(u);
    }
    if (users.size() < slots) {
      throw new IllegalStateException("REACH_JOB_USER=" + spec + " names " + users.size() + " user(s) for "
          + slots + " slots (REACH_RUNNER_SLOTS): each running job needs a user of its own, so that no job can read"
          + " another's environment");
    }
    return new JobUsers(users);
  }

  public List<JobUser> all() {
    return all;
  }

  /** A user no running job has; a {@link IllegalStateException} if none is free (more jobs than slots: a bug). */
  public synchronized JobUser acquire() {
    JobUser u = free.pollFirst();
    if (u == null) {
      throw new IllegalStateException("no free job user: more jobs running than REACH_JOB_USER lists");
    }
    return u;
  }

  /** Kills whatever {@code user} still runs, then frees it. Blocking (reads /proc). */
  public void release(JobUser user) {
    int killed = killEverythingOf(user.uid());
    if (killed > 0) {
      LOG.warning("killed " + killed + " leftover process(es) of job user " + user.name() + " before reusing it");
    }
    synchronized (this) {
      if (!free.contains(user)) {
        free.addLast(user);
      }
    }
  }

  /** SIGKILL to every process whose real or effective uid is {@code uid}; how many there were. */
  static int killEverythingOf(int uid) {
    int n = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        if (ownedBy(p, uid)) {
          long pid = Long.parseLong(p.getFileName().toString());
          if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
            n++;
          }
        }
      }
    } catch (IOException e) {
      LOG.warning("could not scan /proc for processes of uid " + uid + ": " + e.getMessage());
    }
    return n;
  }

  private static boolean ownedBy(Path proc, int uid) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).trim().split("\\s+");
          return Integer.parseInt(ids[0]) == uid || Integer.parseInt(ids[1]) == uid;
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended while we looked
    }
    return false;
  }
}
