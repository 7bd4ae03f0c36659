package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.status.StatusJson;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ddlcast status}: per-standby state and lag, and the producers' positions, from what Kafka holds. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Show each standby (state, last event applied, lag in events and seconds, databases stopped on an error) "
            + "and each producer (events published, csvlog position), as Kafka holds them: works while appliers "
            + "or producers are down.",
        "States: streaming, catching up, stopped (a database's stream stopped on an error), down (its applier not "
            + "heard of for 10 s).",
        "Under a standby: what waits on what (a cluster-wide event waiting for databases before it, the events it "
            + "holds, a stopped database that cluster-wide events ran ahead of)."})
final class StatusCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--json", description = "One JSON document, for scripts.")
  boolean json;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Problems problems = new Problems();
    KafkaAccess access = kafka.validate(problems);
    problems.throwIfAny();
    StatusReport report;
    try {
      report = StatusReport.read(access, kafka.topic);
    } catch (KafkaException | ExecutionException | TimeoutException e) {
      throw new DdlcastException(ExitCode.FAILED,
          "cannot read the status from Kafka at " + access.bootstrapServers() + ": " + e, e);
    }
    if (json) {
      System.out.println(StatusJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json()));
    } else {
      System.out.print(report.table());
    }
    return ExitCode.OK.code();
  }
}
