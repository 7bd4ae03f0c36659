package io.ddlcast.common.cli;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Runs a picocli command the way every ddlcast entry point does: options from the command line, the environment and
 * a {@code --config} properties file (unknown keys in it are an error, so a typo never goes unnoticed); bad options
 * end with one message per problem and exit code 2; failures print a short message (the cause chain condensed) and
 * the stack trace only with {@code --verbose}; exit codes come from {@link ExitCode}.
 */
public final class Cli {
  private Cli() {}

  /** Parses and runs; returns the exit code (the caller passes it to System.exit). */
  public static int run(Object command, String[] args) {
    return run(command, args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
  }

  public static int run(Object command, String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    boolean verbose = hasFlag(args, "-v", "--verbose") || "true".equalsIgnoreCase(env.get("DDLCAST_VERBOSE"));
    Logging.configure(verbose);
    CommandLine cli = new CommandLine(command);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    Properties file;
    Path configPath = configPath(args, env);
    try {
      file = load(configPath);
    } catch (IOException e) {
      err.println("Cannot read the configuration file given by " + (hasFlag(args, "--config") || hasPrefix(args,
          "--config=") ? "--config" : "DDLCAST_CONFIG") + ": " + configPath + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
      return ExitCode.USAGE.code();
    }
    cli.setDefaultValueProvider(new ConfigDefaults(file, env));
    cli.setParameterExceptionHandler((ex, arguments) -> {
      CommandLine failed = ex.getCommandLine();
      failed.getErr().println(ex.getMessage());
      failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCode.USAGE.code();
    });
    cli.setExecutionStrategy(parseResult -> {
      checkConfigKeys(parseResult, file, configPath);
      return new CommandLine.RunLast().execute(parseResult);
    });
    cli.setExecutionExceptionHandler((ex, failed, parseResult) -> report(ex, failed.getErr(), verbose));
    return cli.execute(args);
  }

  private static int report(Exception ex, PrintWriter err, boolean verbose) {
    if (ex instanceof InvalidConfigException invalid) {
      invalid.problems().forEach(err::println);
      return ExitCode.USAGE.code();
    }
    ExitCode code = ex instanceof DdlcastException known ? known.exitCode() : ExitCode.INTERNAL;
    if (code == ExitCode.INTERNAL) {
      err.println("Internal error (a bug in ddlcast, please report it): " + condensed(ex));
    } else {
      err.println("Error: " + condensed(ex));
    }
    if (verbose) {
      ex.printStackTrace(err);
    } else if (code == ExitCode.INTERNAL || ex.getCause() != null) {
      err.println("Run with --verbose for the stack trace.");
    }
    err.flush();
    return code.code();
  }

  /** The message followed by the distinct messages of its causes: "a: b: c". */
  public static String condensed(Throwable ex) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = ex; t != null && parts.size() < 5; t = t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (parts.stream().noneMatch(p -> p.contains(message))) {
        parts.add(message);
      }
    }
    return String.join(": ", parts);
  }

  private static void checkConfigKeys(ParseResult parseResult, Properties file, Path configPath) {
    if (file.isEmpty()) {
      return;
    }
    ParseResult leaf = parseResult;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    CommandSpec spec = leaf.commandSpec();
    Set<String> known = new TreeSet<>();
    for (OptionSpec option : spec.options()) {
      known.add(ConfigDefaults.propertyName(option.longestName()));
    }
    List<String> unknown = new ArrayList<>();
    // a command with --kafka-config (key kafka.config) takes Kafka client properties as kafka.* keys
    boolean kafkaKeys = known.contains("kafka.config");
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      if (!known.contains(key) && !(kafkaKeys && key.startsWith("kafka."))) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      known.removeAll(Set.of("help", "version", "config", "verbose"));
      throw new ParameterException(spec.commandLine(),
          "Unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " in configuration file "
              + configPath + " (keys of '" + spec.qualifiedName() + "': " + String.join(", ", known) + ")");
    }
  }

  private static Path configPath(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    String fromEnv = env.get("DDLCAST_CONFIG");
    return fromEnv == null || fromEnv.isEmpty() ? null : Path.of(fromEnv);
  }

  private static Properties load(Path path) throws IOException {
    Properties props = new Properties();
    if (path != null) {
      if (!Files.isRegularFile(path)) {
        throw new IOException(Files.exists(path) ? "not a regular file" : "no such file");
      }
      try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        props.load(reader);
      }
    }
    return props;
  }

  private static boolean hasPrefix(String[] args, String prefix) {
    for (String arg : args) {
      if (arg.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasFlag(String[] args, String... names) {
    for (String arg : args) {
      for (String name : names) {
        if (arg.equals(name)) {
          return true;
        }
      }
    }
    return false;
  }
}
