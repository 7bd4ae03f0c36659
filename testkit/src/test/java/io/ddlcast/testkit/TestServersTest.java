package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestServersTest {

  @Test
  void anExplicitModeWins() {
    assertThat(TestServers.resolve(" LOCAL ", "test")).isEqualTo(TestServers.Mode.LOCAL);
    assertThat(TestServers.resolve("containers", "test")).isEqualTo(TestServers.Mode.CONTAINERS);
  }

  @Test
  void autoAlwaysDecides() {
    assertThat(TestServers.resolve("auto", "test")).isNotNull();
  }

  @Test
  void aTypoIsReported() {
    assertThatThrownBy(() -> TestServers.resolve("docker", "system property ddlcast.servers"))
        .isInstanceOf(TestkitException.class)
        .hasMessage("invalid value 'docker' for system property ddlcast.servers:"
            + " expected local, containers or auto");
  }
}
