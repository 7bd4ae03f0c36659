package io.ddlcast.demo;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of {@code ddlcast-demo.jar} ({@code ./ddlcast demo}). */
@Command(name = "ddlcast demo", mixinStandardHelpOptions = true, version = "ddlcast-demo 0.1.0", sortOptions = false,
    description = {
        "Runs the whole pipeline on this machine with embedded defaults: a real Kafka broker (KRaft, in-process), "
            + "a PostgreSQL primary and two standbys (local server binaries, run as the OS user postgres when "
            + "started as root), the producer and one applier per standby. Then it runs the origin course's "
            + "scenario on the primary (CREATE DATABASE company, a file_fdw extension, server and foreign table "
            + "employee, and one DDL that fails), shows both standbys side by side with the primary, and stops "
            + "everything it started.",
        "Exit code 0 when both standbys converged, 1 when they did not."})
public final class DemoMain implements Callable<Integer> {
  @Option(names = "--keep-running",
      description = "Leave everything running after the scenario and print how to connect; stop with Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long to wait for the standbys to converge (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Mixin
  CommonOptions common;

  public static void main(String[] args) {
    System.exit(Cli.run(new DemoMain(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (timeoutSeconds < 1) {
      throw new DdlcastException(ExitCode.USAGE, "--timeout must be at least 1 second");
    }
    try (Demo demo = new Demo(System.out)) {
      boolean converged = demo.run(Duration.ofSeconds(timeoutSeconds));
      if (keepRunning) {
        demo.printConnections();
        demo.awaitInterrupt();
      }
      return converged ? ExitCode.OK.code() : ExitCode.NOT_MET.code();
    }
  }
}
