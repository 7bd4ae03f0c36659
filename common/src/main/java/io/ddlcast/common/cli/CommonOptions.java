package io.ddlcast.common.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every ddlcast command has. Their effect is taken before parsing (see {@link Cli}): the configuration file
 * supplies defaults for the other options, and verbosity must be set before the first logger is created.
 */
public final class CommonOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with option values (key bootstrap.servers for --bootstrap-servers, ...). "
          + "Command-line options and DDLCAST_* environment variables take precedence.")
  Path config;

  @Option(names = {"-v", "--verbose"}, description = "Debug logging, and the stack trace of a failure.")
  boolean verbose;

  public boolean verbose() {
    return verbose;
  }
}
