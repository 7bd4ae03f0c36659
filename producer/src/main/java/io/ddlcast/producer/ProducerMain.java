package io.ddlcast.producer;

import io.ddlcast.common.cli.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Entry point of {@code ddlcast-producer.jar}. */
@Command(name = "ddlcast-producer", mixinStandardHelpOptions = true, version = "ddlcast-producer 0.1.0",
    description = "Publishes the DDL that takes effect on a PostgreSQL primary to Kafka, read from its csvlog.",
    subcommands = {RunCommand.class, InstallCommand.class, CheckCommand.class, ScanCommand.class,
        SnapshotCommand.class})
public final class ProducerMain implements Runnable {
  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(Cli.run(new ProducerMain(), args));
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "Missing command: " + String.join(", ", spec.subcommands().keySet()));
  }
}
