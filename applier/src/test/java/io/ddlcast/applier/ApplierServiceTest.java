package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.EventFilter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplierServiceTest {
  @Test
  void aMetricsPortInUseStopsTheStartBeforeAnythingRuns() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      ApplierConfig config = ApplierConfig.validate(new ApplierConfig.Raw("localhost:1", "ddlcast.ddl", "s1",
          "jdbc:postgresql://localhost:1/postgres", 1, Map.of(), "stop", taken.getLocalPort(),
          EventFilter.Options.NONE));
      ApplierService service = new ApplierService(config);
      assertThatThrownBy(service::start).isInstanceOf(DdlcastException.class)
          .hasMessageStartingWith("cannot serve metrics on --metrics-port " + taken.getLocalPort() + ": ")
          .satisfies(e -> assertThat(((DdlcastException) e).exitCode()).isEqualTo(ExitCode.USAGE));
      assertThat(service.isReady()).isFalse();
    }
  }
}
