package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandbyConnectionsTest {
  @Test
  void literalsMeanTheSameWhateverStandardConformingStringsIs() {
    assertThat(StandbyConnections.literal("plain")).isEqualTo("E'plain'");
    assertThat(StandbyConnections.literal("it's")).isEqualTo("E'it''s'");
    assertThat(StandbyConnections.literal("a\\b")).isEqualTo("E'a\\\\b'");
    assertThat(StandbyConnections.literal("x\\'; DROP TABLE t; --")).isEqualTo("E'x\\\\''; DROP TABLE t; --'");
  }
}
