package io.ddlcast.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class CliTest {

  @Command(name = "t", mixinStandardHelpOptions = true, version = "t 1")
  static class TestCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "ddlcast.ddl")
    String topic;

    @Option(names = "--parallelism", defaultValue = "4")
    int parallelism;

    @Mixin
    CommonOptions common;

    RuntimeException failure;
    int result = 0;
    boolean called;

    @Override
    public Integer call() {
      called = true;
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }

  @Command(name = "parent")
  static class Parent implements Runnable {
    String seen;

    @Command(name = "sub")
    int sub(@Option(names = "--bootstrap-servers") String bootstrapServers, @Mixin CommonOptions common) {
      seen = bootstrapServers;
      return 0;
    }

    @Override
    public void run() {}
  }

  @TempDir
  Path dir;

  private final TestCommand command = new TestCommand();
  private final Map<String, String> env = new HashMap<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return run(command, args);
  }

  private int run(Object cmd, String... args) {
    return Cli.run(cmd, args, env, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path config(String... lines) throws IOException {
    Path file = dir.resolve("ddlcast.properties");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  // --- precedence ---

  @Test
  void commandLineBeatsEnvironmentAndFile() throws IOException {
    env.put("DDLCAST_BOOTSTRAP_SERVERS", "env:9092");
    Path file = config("bootstrap.servers=file:9092");

    assertThat(run("--config", file.toString(), "--bootstrap-servers", "cli:9092")).isZero();
    assertThat(command.bootstrapServers).isEqualTo("cli:9092");
  }

  @Test
  void environmentBeatsFile() throws IOException {
    env.put("DDLCAST_BOOTSTRAP_SERVERS", "env:9092");
    Path file = config("bootstrap.servers=file:9092");

    assertThat(run("--config", file.toString())).isZero();
    assertThat(command.bootstrapServers).isEqualTo("env:9092");
  }

  @Test
  void fileBeatsBuiltInDefault() throws IOException {
    Path file = config("topic=from.file");

    assertThat(run("--config", file.toString())).isZero();
    assertThat(command.topic).isEqualTo("from.file");
  }

  @Test
  void environmentBeatsBuiltInDefault() {
    env.put("DDLCAST_TOPIC", "from.env");

    assertThat(run()).isZero();
    assertThat(command.topic).isEqualTo("from.env");
  }

  @Test
  void builtInDefaultAppliesWhenNothingIsGiven() {
    assertThat(run()).isZero();
    assertThat(command.topic).isEqualTo("ddlcast.ddl");
    assertThat(command.parallelism).isEqualTo(4);
    assertThat(command.bootstrapServers).isNull();
  }

  @Test
  void emptyEnvironmentValueFallsBackToTheFile() throws IOException {
    env.put("DDLCAST_BOOTSTRAP_SERVERS", "");
    Path file = config("bootstrap.servers=file:9092");

    assertThat(run("--config", file.toString())).isZero();
    assertThat(command.bootstrapServers).isEqualTo("file:9092");
  }

  @Test
  void fileValuesAreStripped() throws IOException {
    Path file = config("topic =   spaced.topic   ");

    assertThat(run("--config", file.toString())).isZero();
    assertThat(command.topic).isEqualTo("spaced.topic");
  }

  @Test
  void fileValueIsConvertedToTheOptionType() throws IOException {
    Path file = config("parallelism=7");

    assertThat(run("--config", file.toString())).isZero();
    assertThat(command.parallelism).isEqualTo(7);
  }

  @Test
  void configEnvironmentVariableSelectsTheFile() throws IOException {
    env.put("DDLCAST_CONFIG", config("bootstrap.servers=file:9092").toString());

    assertThat(run()).isZero();
    assertThat(command.bootstrapServers).isEqualTo("file:9092");
  }

  @Test
  void configOptionWithEqualsSignSelectsTheFile() throws IOException {
    Path file = config("bootstrap.servers=file:9092");

    assertThat(run("--config=" + file)).isZero();
    assertThat(command.bootstrapServers).isEqualTo("file:9092");
  }

  @Test
  void configOptionBeatsConfigEnvironmentVariable() throws IOException {
    Path other = dir.resolve("other.properties");
    Files.writeString(other, "bootstrap.servers=other:9092\n");
    env.put("DDLCAST_CONFIG", other.toString());
    Path file = config("bootstrap.servers=file:9092");

    assertThat(run("--config", file.toString())).isZero();
    assertThat(command.bootstrapServers).isEqualTo("file:9092");
  }

  @Test
  void subcommandReadsItsOptionsFromTheFile() throws IOException {
    Path file = config("bootstrap.servers=file:9092");

    Parent parent = new Parent();

    assertThat(run(parent, "sub", "--config", file.toString())).isZero();
    assertThat(parent.seen).isEqualTo("file:9092");
  }

  // --- configuration file problems ---

  @Test
  void unknownKeyInFileIsAUsageError() throws IOException {
    Path file = config("bootstrap.servers=a:1", "bootstrap.server=typo:1");

    assertThat(run("--config", file.toString())).isEqualTo(ExitCode.USAGE.code());
    assertThat(command.called).isFalse();
  }

  @Test
  void unknownKeyErrorNamesTheKeyAndTheFile() throws IOException {
    Path file = config("bootstrap.server=typo:1");

    run("--config", file.toString());
    assertThat(err.toString()).contains("bootstrap.server").contains(file.toString());
  }

  @Test
  void unknownKeyInFileSelectedByEnvironmentIsAUsageError() throws IOException {
    env.put("DDLCAST_CONFIG", config("nonsense=1").toString());

    assertThat(run()).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("nonsense");
  }

  @Test
  void unknownKeyForASubcommandIsAUsageError() throws IOException {
    Path file = config("nonsense=1");

    assertThat(run(new Parent(), "sub", "--config", file.toString())).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("nonsense");
  }

  @Test
  void missingConfigFileIsAUsageError() {
    Path missing = dir.resolve("missing.properties");

    assertThat(run("--config", missing.toString())).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("Cannot read the configuration file").contains(missing.toString());
    assertThat(command.called).isFalse();
  }

  @Test
  void missingConfigFileNamedByEnvironmentIsAUsageError() {
    env.put("DDLCAST_CONFIG", dir.resolve("missing.properties").toString());

    assertThat(run()).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("Cannot read the configuration file");
  }

  @Test
  void directoryAsConfigFileIsAUsageError() {
    assertThat(run("--config", dir.toString())).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("Cannot read the configuration file");
  }

  // --- bad options ---

  @Test
  void badOptionValueIsAUsageErrorNamingTheOption() {
    assertThat(run("--parallelism", "abc")).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("--parallelism").contains("abc");
    assertThat(command.called).isFalse();
  }

  @Test
  void badOptionValuePrintsNoStackTrace() {
    run("--parallelism", "abc");
    assertThat(err.toString()).doesNotContain("at io.").doesNotContain("at picocli.").doesNotContain("Exception");
  }

  @Test
  void badOptionValueFromEnvironmentIsAUsageError() {
    env.put("DDLCAST_PARALLELISM", "abc");

    assertThat(run()).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("parallelism");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("--no-such-option")).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString()).contains("--no-such-option");
  }

  @Test
  void environmentVariableNamedLikeTheVersionOptionDoesNotFailTheRun() {
    env.put("DDLCAST_VERSION", "0.1.0");

    assertThat(run()).as(err::toString).isZero();
    assertThat(command.called).isTrue();
  }

  @Test
  void environmentVariableNamedLikeTheHelpOptionDoesNotReplaceTheRun() {
    env.put("DDLCAST_HELP", "true");

    run();
    assertThat(command.called).as(out::toString).isTrue();
  }

  // --- failures from call() ---

  @Test
  void returnValueOfCallIsTheExitCode() {
    command.result = ExitCode.NOT_MET.code();

    assertThat(run()).isEqualTo(1);
  }

  @Test
  void invalidConfigIsAUsageErrorPrintingEveryProblem() {
    command.failure = new InvalidConfigException(List.of(
        "Missing option --standby-url: the standby", "Invalid value '0' for option --parallelism: must be > 0"));

    assertThat(run()).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString())
        .contains("Missing option --standby-url: the standby")
        .contains("Invalid value '0' for option --parallelism: must be > 0");
  }

  @Test
  void knownFailureExitsWithItsCodeAndAShortMessage() {
    command.failure = new DdlcastException(ExitCode.FAILED, "fenced by another producer");

    assertThat(run()).isEqualTo(ExitCode.FAILED.code());
    assertThat(err.toString()).contains("Error: fenced by another producer");
  }

  @Test
  void knownFailurePrintsNoStackTraceWithoutVerbose() {
    command.failure = new DdlcastException(ExitCode.FAILED, "boom", new IllegalStateException("inner"));

    run();
    assertThat(err.toString()).doesNotContain("at io.").doesNotContain("at java.");
  }

  @Test
  void knownFailureWithACauseShowsTheCauseAndHowToSeeTheStack() {
    command.failure = new DdlcastException(ExitCode.FAILED, "boom", new IllegalStateException("inner"));

    run();
    assertThat(err.toString()).contains("Error: boom: inner").contains("--verbose");
  }

  @Test
  void knownFailurePrintsTheStackTraceWithVerbose() {
    command.failure = new DdlcastException(ExitCode.FAILED, "boom");

    assertThat(run("--verbose")).isEqualTo(ExitCode.FAILED.code());
    assertThat(err.toString()).contains("at io.ddlcast.");
  }

  @Test
  void verboseFromEnvironmentPrintsTheStackTrace() {
    env.put("DDLCAST_VERBOSE", "true");
    command.failure = new DdlcastException(ExitCode.FAILED, "boom");

    run();
    assertThat(err.toString()).contains("at io.ddlcast.");
  }

  @Test
  void unexpectedExceptionIsAnInternalError() {
    command.failure = new IllegalStateException("oops");

    assertThat(run()).isEqualTo(ExitCode.INTERNAL.code()).isEqualTo(70);
    assertThat(err.toString()).contains("Internal error").contains("oops");
  }

  @Test
  void internalErrorPrintsNoStackTraceWithoutVerbose() {
    command.failure = new IllegalStateException("oops");

    run();
    assertThat(err.toString()).doesNotContain("at io.").contains("--verbose");
  }

  // --- condensed ---

  @Test
  void condensedJoinsTheMessagesOfTheCauseChain() {
    Exception ex = new RuntimeException("a", new IllegalStateException("b", new IOException("c")));
    assertThat(Cli.condensed(ex)).isEqualTo("a: b: c");
  }

  @Test
  void condensedSkipsMessagesAlreadyShown() {
    IOException cause = new IOException("connection refused");
    Exception ex = new RuntimeException("cannot connect: connection refused", cause);
    assertThat(Cli.condensed(ex)).isEqualTo("cannot connect: connection refused");
  }

  @Test
  void condensedNamesTheClassOfAnExceptionWithoutMessage() {
    assertThat(Cli.condensed(new RuntimeException("a", new NullPointerException())))
        .isEqualTo("a: NullPointerException");
  }
}
