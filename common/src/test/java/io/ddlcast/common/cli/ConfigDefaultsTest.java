package io.ddlcast.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigDefaultsTest {

  @Test
  void envNameIsPrefixedUpperCaseWithUnderscores() {
    assertThat(ConfigDefaults.envName("--bootstrap-servers")).isEqualTo("DDLCAST_BOOTSTRAP_SERVERS");
  }

  @Test
  void envNameAcceptsANameWithoutDashes() {
    assertThat(ConfigDefaults.envName("standby-url")).isEqualTo("DDLCAST_STANDBY_URL");
  }

  @Test
  void propertyNameIsLowerCaseWithDots() {
    assertThat(ConfigDefaults.propertyName("--bootstrap-servers")).isEqualTo("bootstrap.servers");
  }

  @Test
  void propertyNameOfASingleWordOption() {
    assertThat(ConfigDefaults.propertyName("--topic")).isEqualTo("topic");
  }
}
