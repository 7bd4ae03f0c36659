package io.ddlcast.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import io.ddlcast.common.cli.Problems;
import org.junit.jupiter.api.Test;

class MetricsPortTest {
  private static Problems check(Integer port) {
    Problems problems = new Problems();
    MetricsPort.check(port, problems);
    return problems;
  }

  @Test
  void absentAndValidPortsPass() {
    assertThat(check(null).isEmpty()).isTrue();
    assertThat(check(1).isEmpty()).isTrue();
    assertThat(check(9464).isEmpty()).isTrue();
    assertThat(check(65_535).isEmpty()).isTrue();
  }

  @Test
  void outOfRangePortsAreReportedInTheProjectsShape() {
    for (int bad : new int[] {0, -1, 65_536}) {
      assertThatThrownBy(check(bad)::throwIfAny).isInstanceOf(InvalidConfigException.class)
          .extracting(e -> ((InvalidConfigException) e).problems())
          .asList().containsExactly("Invalid value '" + bad + "' for option --metrics-port: must be a TCP port "
              + "between 1 and 65535");
    }
  }
}
