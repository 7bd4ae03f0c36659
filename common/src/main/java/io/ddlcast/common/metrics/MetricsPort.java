package io.ddlcast.common.metrics;

import io.ddlcast.common.cli.Problems;

/**
 * The {@code --metrics-port} option's rule, shared by the producer and the applier so that both say the same thing
 * about a bad value. Null means "not given": no metrics server.
 */
public final class MetricsPort {
  public static final String OPTION = "--metrics-port";

  private MetricsPort() {}

  /** Records a problem unless the port is absent or a TCP port number (1 to 65535). */
  public static void check(Integer port, Problems problems) {
    if (port != null && (port < 1 || port > 65_535)) {
      problems.invalid(OPTION, port, "must be a TCP port between 1 and 65535");
    }
  }
}
