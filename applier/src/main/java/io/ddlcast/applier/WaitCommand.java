package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.DurationConverter;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ddlcast wait}: blocks until standbys applied an event, or everything published so far — what a deployment
 * script runs before a switchover, as synchronous standbys would guarantee. Exit 0 when they did, 1 naming those that
 * did not within the timeout.
 */
@Command(name = "wait", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Wait until the standbys applied an event (--event) or everything published so far (--now, the "
        + "default). Exit 0 when they did; 1 naming the standbys that did not within --timeout.")
final class WaitCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--standbys", paramLabel = "NAME[,NAME...]", split = ",", required = true,
      description = "The standbys to wait for.")
  List<String> standbys;

  static final class Target {
    @Option(names = "--event", paramLabel = "ID", description = "Wait for this event (an id as status shows it).")
    String event;

    @Option(names = "--now", description = "Wait for everything published until now (default).")
    boolean now;
  }

  @ArgGroup(exclusive = true)
  Target target;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long to wait (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Problems problems = new Problems();
    KafkaAccess access = kafka.validate(problems);
    standbys.forEach(s -> KafkaNames.checkName("--standbys", s.strip(), problems));
    if (timeout.isNegative()) {
      problems.invalid("--timeout", timeout, "must not be negative");
    }
    problems.throwIfAny();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (TopicProgress progress = new TopicProgress(access, kafka.topic)) {
      Optional<TopicProgress.Located> event = Optional.empty();
      Map<TopicPartition, Long> upTo = null;
      if (target != null && target.event != null) {
        event = progress.find(target.event);
        if (event.isEmpty()) {
          throw new DdlcastException(ExitCode.FAILED, "event " + target.event + " is not on topic " + kafka.topic);
        }
      } else {
        upTo = progress.ends();
      }
      while (true) {
        Map<String, String> behind = behind(progress, event, upTo);
        if (behind.isEmpty()) {
          System.out.println("caught up: " + String.join(", ", standbys));
          return ExitCode.OK.code();
        }
        if (System.nanoTime() >= deadline) {
          System.out.println("not caught up after " + timeout.toSeconds() + " s: " + describe(access, behind));
          return ExitCode.NOT_MET.code();
        }
        Thread.sleep(250);
      }
    }
  }

  /** The standbys that have not applied the event (or everything up to {@code upTo}), with how far behind. */
  private Map<String, String> behind(TopicProgress progress, Optional<TopicProgress.Located> event,
      Map<TopicPartition, Long> upTo) throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, String> behind = new LinkedHashMap<>();
    for (String standby : standbys) {
      String name = standby.strip();
      Map<TopicPartition, OffsetAndMetadata> committed = progress.committed(name);
      if (event.isPresent()) {
        if (!event.get().appliedBy(committed)) {
          behind.put(name, "has not applied " + target.event);
        }
      } else {
        TopicProgress.Lag lag = progress.lag(committed, upTo);
        if (lag.events() > 0) {
          behind.put(name, (lag.atLeast() ? "at least " : "") + lag.events() + " event(s) behind");
        }
      }
    }
    return behind;
  }

  /** "NAME (STATE): why; ...", with each standby's state as status shows it. */
  private String describe(KafkaAccess access, Map<String, String> behind) throws Exception {
    List<String> lines = new ArrayList<>();
    StatusReport report = StatusReport.read(access, kafka.topic);
    behind.forEach((name, why) -> {
      String state = report.standbys.stream().filter(s -> s.name().equals(name)).findFirst()
          .map(StatusReport.Standby::state).orElse("unknown (no applier ever ran for it)");
      lines.add(name + " (" + state + "): " + why);
    });
    return String.join("; ", lines);
  }
}
