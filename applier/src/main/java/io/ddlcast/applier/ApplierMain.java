package io.ddlcast.applier;

import io.ddlcast.common.cli.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Entry point of {@code ddlcast-applier.jar}. */
@Command(name = "ddlcast-applier", mixinStandardHelpOptions = true, version = "ddlcast-applier 0.1.0",
    description = "Applies DDL events from Kafka to one PostgreSQL standby.",
    subcommands = {RunCommand.class, StatusCommand.class, WaitCommand.class, RetryCommand.class,
        SkipCommand.class, SwitchoverCommand.class, FailoverCommand.class, RejoinCommand.class,
        VerifyCommand.class})
public final class ApplierMain implements Runnable {
  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(Cli.run(new ApplierMain(), args));
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "Missing command: " + String.join(", ", spec.subcommands().keySet()));
  }
}
