package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.status.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ddlcast applier skip}: do not run one event on one standby; its stream goes on after it. */
@Command(name = "skip", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Skip one event on one standby: it is not run there, goes to the dead-letter topic with its "
        + "error, and the database's stream goes on after it. The skip is recorded in the results topic.")
final class SkipCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--standby", paramLabel = "NAME", required = true, description = "The standby.")
  String standby;

  @Option(names = "--event", paramLabel = "ID", required = true,
      description = "The event id (as status and the applier's STOPPED message show it; @PARTITION:OFFSET for a "
          + "record that is not a valid event).")
  String event;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    Problems problems = new Problems();
    KafkaAccess access = kafka.validate(problems);
    KafkaNames.checkName("--standby", standby, problems);
    if (event.isBlank()) {
      problems.invalid("--event", event, "name the event to skip");
    }
    problems.throwIfAny();
    OperatorCommand.send(access, kafka.topic,
        OperatorCommand.command(ControlCommand.Type.SKIP, standby, null, event.strip()));
    System.out.println("asked standby " + standby + " to skip event " + event.strip() + "; see ddlcast status");
    return ExitCode.OK.code();
  }
}
