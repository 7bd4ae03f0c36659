package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.common.cli.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplierConfigTest {
  private static ApplierConfig.Raw raw(String onError) {
    return new ApplierConfig.Raw("127.0.0.1:9092", "ddlcast.ddl", "s1", "jdbc:postgresql://127.0.0.1:5432/postgres",
        4, Map.of(), onError);
  }

  @Test
  void onErrorIsStopByDefaultOrSkip() {
    assertThat(ApplierConfig.validate(raw(null)).onError()).isEqualTo(OperatorDecisions.OnError.STOP);
    assertThat(ApplierConfig.validate(raw("SKIP")).onError()).isEqualTo(OperatorDecisions.OnError.SKIP);
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    ApplierConfig.Raw bad = new ApplierConfig.Raw(null, "ddlcast.ddl", "s 1", "not-a-url", 0, Map.of(), "ignore");
    assertThatThrownBy(() -> ApplierConfig.validate(bad)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--bootstrap-servers").hasMessageContaining("--standby-name")
        .hasMessageContaining("--standby-url").hasMessageContaining("--parallelism")
        .hasMessageContaining("Invalid value 'ignore' for option --on-error: must be stop or skip");
  }
}
