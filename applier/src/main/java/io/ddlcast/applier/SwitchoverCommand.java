package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.Switchover;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.status.StatusJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ddlcast switchover}: planned, nothing lost. The running producer drains (everything its primary committed
 * up to a barrier it writes is published), then stops as fenced; the chosen standby applies everything and becomes
 * the source of the next generation. Stop the clients' DDL on the old primary first, as a switchover of streaming
 * replication shuts the primary down first.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Planned promotion of a standby to be the DDL source: the running producer publishes everything "
        + "its primary committed and stops, the standby applies it all, a new generation starts, and the "
        + "standby's own producer may then publish.")
final class SwitchoverCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--to", paramLabel = "NAME", required = true,
      description = "The standby to promote (its --standby-name; its applier is running or was running).")
  String to;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long to wait for the drain, and for the standby to apply everything "
          + "(default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "Print the new generation as JSON.")
  boolean json;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    Problems problems = new Problems();
    KafkaAccess access = kafka.validate(problems);
    KafkaNames.checkName("--to", to, problems);
    problems.throwIfAny();
    GenerationHistory history = GenerationLog.read(access, kafka.topic);
    Generation current = Promotions.current(history, kafka.topic, to);
    Promotions.advanceWith(access, kafka.topic, to);
    Switchover.Drained drained = Promotions.drain(access, kafka.topic, current, to, OperatorCommand.operator(),
        timeout);
    Promotions.Result result = Promotions.promote(access, kafka.topic, history, current, to,
        Generation.Reason.SWITCHOVER, OperatorCommand.operator(), timeout, drained);
    if (json) {
      System.out.println(new String(StatusJson.encode(Promotions.json(result)), StandardCharsets.UTF_8));
    } else {
      System.out.println(Promotions.nextSteps(result, to));
    }
    return ExitCode.OK.code();
  }
}
