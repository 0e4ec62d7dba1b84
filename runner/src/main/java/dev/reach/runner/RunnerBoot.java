package dev.reach.runner;

import dev.reach.runner.disk.DiskGuard;
import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.journal.JournalEntry;
import dev.reach.runner.process.WatcherScript;
import dev.reach.runner.state.GroupRecords;
import dev.reach.runner.state.LeftoverSweep;
import dev.reach.runner.state.RunMarker;
import dev.reach.runner.state.StateDirLock;
import dev.reach.runner.state.SweepResult;
import dev.reach.runner.state.WorkspaceJanitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The blocking first part of a runner's start, before anything is claimed: lock the state
 * directory, detect an unclean shutdown and mark this run, install the watcher, keep the journal's
 * reserve, read the completions earlier incarnations journaled, sweep their process groups and
 * workspaces, measure free disk. Runs on a worker thread.
 *
 * @param lock held until the runner stops
 * @param previous the marker of an earlier run that did not stop cleanly
 * @param journaled completions earlier incarnations journaled and never saw answered
 */
record RunnerBoot(StateDirLock lock, Path watcher, Optional<RunMarker> previous, SweepResult sweep, List<JournalEntry> journaled) {
  private static final Logger LOG = Logger.getLogger(RunnerBoot.class.getName());
  /** How long the sweep waits for the groups it killed to be gone. */
  private static final Duration SWEEP_WAIT = Duration.ofSeconds(5);

  static RunnerBoot prepare(
      Path stateDir, String incarnation, Clock clock, CompletionJournal journal, GroupRecords groups, WorkspaceJanitor janitor,
      DiskGuard disk) throws IOException {
    Files.createDirectories(stateDir);
    // the runner's alone: journal, group records and workspaces are no business of jobs or other users
    Files.setPosixFilePermissions(stateDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    StateDirLock lock = StateDirLock.acquire(stateDir);
    try {
      Optional<RunMarker> previous = RunMarker.find(stateDir);
      previous.ifPresent(m -> LOG.warning("unclean shutdown of incarnation " + m.incarnation() + " (pid " + m.pid()
          + ") detected: it started " + m.startedAt() + " and never removed " + stateDir.resolve(RunMarker.FILE)));
      new RunMarker(incarnation, ProcessHandle.current().pid(), clock.instant()).write(stateDir);
      Path watcher = WatcherScript.install(stateDir);
      try {
        journal.ensureReserve();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "the completion journal's reserve could not be created (disk full?); retried later", e);
      }
      List<JournalEntry> journaled = journal.entries();
      SweepResult sweep = new LeftoverSweep(groups).sweep(incarnation, SWEEP_WAIT);
      int removed = janitor.removeLeftovers();
      if (removed > 0) {
        LOG.info("removed " + removed + " leftover workspace(s) of earlier incarnations");
      }
      disk.check();
      return new RunnerBoot(lock, watcher, previous, sweep, journaled);
    } catch (IOException | RuntimeException e) {
      try {
        RunMarker.remove(stateDir);
      } finally {
        lock.close();
      }
      throw e;
    }
  }
}
