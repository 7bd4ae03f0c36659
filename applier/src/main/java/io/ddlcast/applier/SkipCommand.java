package io.ddlcast.applier;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaNames;
import io.ddlcast.common.status.ControlCommand;
import io.ddlcast.common.trust.SigningKey;
import io.ddlcast.common.trust.SigningKeyOption;
import java.nio.file.Path;
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

  @Option(names = "--signing-key", paramLabel = "FILE",
      description = "Sign the command with this operator's Ed25519 private key (PKCS#8 PEM, mode 0600), as appliers "
          + "given --operator-keys require.")
  Path signingKey;

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
    SigningKey key = SigningKeyOption.load("--signing-key", signingKey, problems);
    problems.throwIfAny();
    OperatorCommand.send(access, kafka.topic,
        OperatorCommand.command(ControlCommand.Type.SKIP, standby, null, event.strip()), key);
    System.out.println("asked standby " + standby + " to skip event " + event.strip() + "; see ddlcast status"
        + OperatorCommand.signedBy(key));
    return ExitCode.OK.code();
  }
}
