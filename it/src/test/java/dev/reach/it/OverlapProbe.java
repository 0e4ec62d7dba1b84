package dev.reach.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes any overlap of two attempts of a job visible: the job's command takes an exclusive
 * {@code flock} on a per-job lock file (held by its {@code sleep} too, which inherits the
 * descriptor) and appends start/end stamps to a shared file; a second attempt that starts while any
 * process of the first is alive cannot take the lock and records {@code overlap}.
 */
final class OverlapProbe {
  final Path stamps;
  final Path lock;

  OverlapProbe(Path dir, String job) {
    this.stamps = dir.resolve(job + ".stamps");
    this.lock = dir.resolve(job + ".lock");
  }

  String command(int sleepSeconds) {
    return "exec 9>>'" + lock + "'; "
        + "if ! flock -n 9; then echo \"overlap $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; exit 99; fi; "
        + "echo \"start $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; "
        + "sleep " + sleepSeconds + "; "
        + "echo \"end $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'";
  }

  List<String> lines() throws IOException {
    return Files.exists(stamps) ? Files.readAllLines(stamps) : new ArrayList<>();
  }
}
