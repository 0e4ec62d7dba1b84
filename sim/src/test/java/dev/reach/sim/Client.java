package dev.reach.sim;

/**
 * Whoever submits the seed's runs (the hub, for the orchestrators): each run with its own
 * idempotency key, tried again with the same key until an orchestrator answers — so a lost reply
 * or a database outage never loses or doubles a submission.
 */
final class Client extends SimNode {
  private int pending;

  Client(World world) {
    super("client", world);
  }

  @Override
  void onBoot() {
    pending = world.plan().runs().size();
    for (Plan.RunPlan run : world.plan().runs()) {
      timer(run.submitAtMs(), () -> submit(run, 1));
    }
  }

  @Override
  void onKill() {}

  boolean done() {
    return pending == 0;
  }

  private void submit(Plan.RunPlan run, int tryNo) {
    world.rpc().call(this, world.anyOrchestrator(), "submit run " + run.index() + " try " + tryNo,
        o -> o.submit(run.index(), world.spec(run.index()), world.prefix() + run.key()), SimConfig.REQUEST_TIMEOUT_MS, out -> {
          if (out.ok()) {
            pending--;
            return;
          }
          timer(SimConfig.SUBMIT_RETRY_MS, () -> submit(run, tryNo + 1));
        });
  }
}
