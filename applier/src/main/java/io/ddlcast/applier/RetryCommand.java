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

/** {@code ddlcast applier retry}: run a stopped stream's failed event again, after the standby was fixed. */
@Command(name = "retry", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the failed event of a stopped database stream again (after you fixed the cause on the "
        + "standby). The running applier acts at once; a stopped applier retries when it starts anyway.")
final class RetryCommand implements Callable<Integer> {
  @Mixin
  KafkaTarget kafka;

  @Option(names = "--standby", paramLabel = "NAME", required = true, description = "The standby.")
  String standby;

  @Option(names = "--database", paramLabel = "DB",
      description = "Only this database's stream ((cluster) for roles, databases, tablespaces); default: every "
          + "stopped stream of the standby.")
  String database;

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
    SigningKey key = SigningKeyOption.load("--signing-key", signingKey, problems);
    problems.throwIfAny();
    OperatorCommand.send(access, kafka.topic,
        OperatorCommand.command(ControlCommand.Type.RETRY, standby, database, null), key);
    System.out.println("asked standby " + standby + " to retry " + (database == null ? "every stopped stream"
        : "database " + database) + "; see ddlcast status" + OperatorCommand.signedBy(key));
    return ExitCode.OK.code();
  }
}
