package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.status.StatusJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ddlcast failover}: the primary is lost; promote a standby to be the DDL source. Nothing published is lost:
 * the standby applies every event already on the topic first. A less advanced standby than another is refused
 * unless forced, as {@code pg_ctl promote} on the wrong standby would lose what the others have.
 */
@Command(name = "failover", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Promote a standby to be the DDL source after the primary was lost: its applier applies every "
        + "event on the topic, the old producer is fenced, a new generation starts, and the standby's own producer "
        + "may then publish.")
final class FailoverCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--to", paramLabel = "NAME", required = true,
      description = "The standby to promote (its --standby-name; its applier is running or was running).")
  String to;

  @Option(names = "--force", description = "Promote it even if another standby has applied more of the topic.")
  boolean force;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long to wait for the standby to apply everything (default: ${DEFAULT-VALUE}).")
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
    Map<String, Long> advance = Promotions.advanceWith(access, kafka.topic, to);
    String most = advance.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    advance.forEach((name, at) -> System.err.println("standby " + name + ": at position " + at
        + " of the topic (committed offsets)"
        + (name.equals(most) ? " (most advanced)" : "")));
    if (advance.get(to) < advance.get(most) && !force) {
      throw new DdlcastException(ExitCode.NOT_MET, "standby " + to + " is less advanced (" + advance.get(to)
          + ") than standby " + most + " (" + advance.get(most) + "): promote " + most + ", or give --force");
    }
    Promotions.Result result = Promotions.promote(access, kafka.topic, history, current, to,
        Generation.Reason.FAILOVER, OperatorCommand.operator(), timeout, null);
    if (json) {
      System.out.println(new String(StatusJson.encode(Promotions.json(result)), StandardCharsets.UTF_8));
    } else {
      System.out.println(Promotions.nextSteps(result, to));
    }
    return ExitCode.OK.code();
  }
}
