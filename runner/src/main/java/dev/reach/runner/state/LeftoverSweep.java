package dev.reach.runner.state;

import dev.reach.runner.process.ProcStat;
import dev.reach.runner.process.ProcessGroups;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At start, before anything is claimed: kills the process groups that earlier incarnations
 * recorded and that are still running. A group is killed only if {@code /proc/PGID/stat} still
 * shows the leader's recorded start time — a pid the kernel has since given to another process is
 * never touched; such records, and those whose process is gone, count as stale. Waits (bounded)
 * until the killed groups are gone. Blocking.
 */
public final class LeftoverSweep {
  private static final Logger LOG = Logger.getLogger(LeftoverSweep.class.getName());

  private final GroupRecords records;

  public LeftoverSweep(GroupRecords records) {
    this.records = records;
  }

  /** Sweeps every record not written by {@code incarnation}; waits up to {@code bound} for the killed groups to go. */
  public SweepResult sweep(String incarnation, Duration bound) throws IOException {
    Map<Long, GroupRecords.Found> killed = new LinkedHashMap<>();
    int stale = 0;
    for (GroupRecords.Found found : records.list()) {
      Optional<GroupRecord> rec = found.record();
      if (rec.isPresent() && rec.get().incarnation().equals(incarnation)) {
        continue;
      }
      if (rec.isEmpty()) {
        LOG.warning("unreadable process-group record " + found.file() + ": removed");
        stale++;
        records.delete(found);
        continue;
      }
      GroupRecord r = rec.get();
      if (isStillThatGroup(r)) {
        try {
          ProcessGroups.kill(r.pgid());
          LOG.warning("killed leftover process group " + r.pgid() + " of job " + r.jobId() + " (token " + r.token()
              + ", incarnation " + r.incarnation() + ")");
          killed.put(r.pgid(), found);
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.WARNING, "could not kill leftover process group " + r.pgid() + " of job " + r.jobId(), e);
          killed.put(r.pgid(), found); // waited on like the others: if it is still there, the record stays
        }
      } else {
        LOG.info("process-group record of job " + r.jobId() + " (token " + r.token() + ", pgid " + r.pgid()
            + ") is stale: its process is gone or the pid belongs to another process now");
        stale++;
        records.delete(found);
      }
    }
    List<Long> left = ProcessGroups.awaitGone(killed.keySet(), bound);
    for (Map.Entry<Long, GroupRecords.Found> e : killed.entrySet()) {
      if (!left.contains(e.getKey())) {
        records.delete(e.getValue());
      } else {
        LOG.warning("leftover process group " + e.getKey() + " is still alive " + bound.toMillis()
            + " ms after SIGKILL; its record is kept for the next sweep");
      }
    }
    return new SweepResult(new ArrayList<>(killed.keySet()), stale, left);
  }

  /** The recorded leader is still there (its pid and start time match) and something of its group is alive. */
  private static boolean isStillThatGroup(GroupRecord r) {
    if (r.pgid() <= 1) {
      return false;
    }
    Optional<ProcStat> leader = ProcStat.read(r.pgid());
    if (leader.isEmpty() || leader.get().startTicks() != r.startTicks()) {
      return false;
    }
    // a zombie leader still holds its pid (so the group id cannot have been reused): kill what lives in its group
    return leader.get().live() || !ProcessGroups.gone(r.pgid());
  }
}
