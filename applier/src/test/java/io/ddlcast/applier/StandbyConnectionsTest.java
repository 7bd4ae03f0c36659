package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppliedMarkersTest {
  @Test
  void literalsMeanTheSameWhateverStandardConformingStringsIs() {
    assertThat(AppliedMarkers.literal("plain")).isEqualTo("E'plain'");
    assertThat(AppliedMarkers.literal("it's")).isEqualTo("E'it''s'");
    assertThat(AppliedMarkers.literal("a\\b")).isEqualTo("E'a\\\\b'");
    assertThat(AppliedMarkers.literal("x\\'; DROP TABLE t; --")).isEqualTo("E'x\\\\''; DROP TABLE t; --'");
  }
}
