package dev.reach.sim;

/** Whether the simulated database can be reached: during an outage no store call reaches Postgres. */
final class DatabaseSwitch {
  private boolean down;
  private long refused;

  boolean down() {
    return down;
  }

  void down(boolean down) {
    this.down = down;
  }

  void refusedOne() {
    refused++;
  }

  long refused() {
    return refused;
  }
}
