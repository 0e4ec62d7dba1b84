package dev.reach.cli.drill;

import dev.reach.cli.Cli;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reachctl drill list [--json]}: the scenarios, what each does and the targets it runs on. */
@Command(name = "list", description = {"The drill scenarios, what each does and where it can run.",
        "--json: {\"scenarios\": [{\"name\", \"summary\", \"targets\"}]}."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "2:bad usage"},
    mixinStandardHelpOptions = true)
public final class DrillListCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin JsonOption output;

  public DrillListCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (output.on()) {
      JsonArray list = new JsonArray();
      for (Scenario s : Scenario.values()) {
        JsonArray targets = new JsonArray();
        s.targets().forEach(t -> targets.add(t.label()));
        list.add(new JsonObject().put("name", s.label()).put("summary", s.summary()).put("targets", targets));
      }
      cli.out().println(new JsonObject().put("scenarios", list).encodePrettily());
    } else {
      for (Scenario s : Scenario.values()) {
        cli.out().printf("%-22s %-15s %s%n", s.label(),
            String.join(",", s.targets().stream().map(Target::label).toList()), s.summary());
      }
    }
    cli.out().flush();
    return ExitCodes.OK;
  }
}
