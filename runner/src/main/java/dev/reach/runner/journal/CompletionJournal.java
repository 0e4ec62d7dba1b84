package dev.reach.runner.journal;

import dev.reach.runner.state.AtomicFiles;
import dev.reach.shared.bus.CompletionReport;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Completions the runner has not yet seen answered, one durable file each
 * ({@code journal/TOKEN.json}, fsynced, renamed into place): written before a completion is sent,
 * deleted once the orchestrator answered it (accepted, already accepted, or stale). A completion
 * therefore survives a crash of the runner — the next incarnation sends it again.
 *
 * <p>A full disk must not lose one: a reserve file ({@code journal.reserve}, 1 MiB of real
 * blocks) is kept; when a journal write fails, the reserve is given up to make room and the write
 * tried once more. {@link #ensureReserve()} puts it back when there is space. Blocking.
 */
public final class CompletionJournal {
  private static final Logger LOG = Logger.getLogger(CompletionJournal.class.getName());
  public static final long RESERVE_BYTES = 1L << 20;

  /** How an entry's bytes reach the disk (replaceable to simulate a full disk). */
  @FunctionalInterface
  interface EntryWriter {
    void write(Path target, byte[] bytes) throws IOException;
  }

  private final Path dir;
  private final Path reserve;
  private final Clock clock;
  private final EntryWriter writer;

  public CompletionJournal(Path stateDir, Clock clock) {
    this(stateDir, clock, (target, bytes) -> AtomicFiles.write(target, bytes, true));
  }

  CompletionJournal(Path stateDir, Clock clock, EntryWriter writer) {
    this.dir = stateDir.resolve("journal");
    this.reserve = stateDir.resolve("journal.reserve");
    this.clock = clock;
    this.writer = writer;
  }

  public Path dir() {
    return dir;
  }

  public boolean hasReserve() {
    try {
      return Files.size(reserve) >= RESERVE_BYTES;
    } catch (IOException e) {
      return false;
    }
  }

  /** Creates the reserve if it is missing (written out, so its blocks are really allocated). */
  public synchronized void ensureReserve() throws IOException {
    Files.createDirectories(dir);
    if (hasReserve()) {
      return;
    }
    Path tmp = reserve.resolveSibling(reserve.getFileName() + AtomicFiles.TEMP_SUFFIX);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
      for (long written = 0; written < RESERVE_BYTES; ) {
        zeros.clear();
        written += ch.write(zeros);
      }
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, reserve, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Journals {@code report} durably before it is sent. */
  public void write(CompletionReport report, String incarnation) throws IOException {
    byte[] bytes = new JournalEntry(report, incarnation, clock.instant()).toJson().encode().getBytes(StandardCharsets.UTF_8);
    Path target = file(report.token());
    try {
      Files.createDirectories(dir);
      writer.write(target, bytes);
    } catch (IOException first) {
      if (!releaseReserve()) {
        throw first;
      }
      LOG.warning("journal write for token " + report.token() + " failed (" + first.getMessage()
          + "): gave up the 1 MiB reserve to make room and tried again");
      try {
        writer.write(target, bytes);
      } catch (IOException second) {
        second.addSuppressed(first);
        throw second;
      }
    }
  }

  private synchronized boolean releaseReserve() {
    try {
      return Files.deleteIfExists(reserve);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot remove the journal reserve", e);
      return false;
    }
  }

  /** The completion of {@code token} was answered: forget it. */
  public void remove(long token) throws IOException {
    Files.deleteIfExists(file(token));
  }

  /** Every journaled completion, oldest first; unreadable entries are logged and removed. */
  public List<JournalEntry> entries() throws IOException {
    List<JournalEntry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
          Files.deleteIfExists(f); // a write that never completed: its completion was never sent
        } else if (name.endsWith(".json")) {
          try {
            out.add(JournalEntry.fromJson(new JsonObject(Files.readString(f, StandardCharsets.UTF_8))));
          } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable journal entry " + f + ": removed", e);
            Files.deleteIfExists(f);
          }
        }
      }
    }
    out.sort(Comparator.comparing(JournalEntry::writtenAt));
    return out;
  }

  private Path file(long token) {
    return dir.resolve(token + ".json");
  }
}
