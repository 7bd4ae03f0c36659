package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.SessionSetting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The helper and the Java side agree on what it reports: its version, and exactly the settings ddlcast carries. */
class HelperSqlTest {
  @Test
  void theHelperReportsExactlyTheSettingsDdlcastCarriesUnderItsVersion() {
    String sql = HelperInstaller.sql();
    Matcher list = Pattern.compile("ANY \\(ARRAY\\[([^]]*)]::pg_catalog\\.text\\[]\\)").matcher(sql);
    assertThat(list.find()).as("the helper's list of settings").isTrue();
    List<String> names = new ArrayList<>();
    Matcher name = Pattern.compile("'([^']+)'").matcher(list.group(1));
    while (name.find()) {
      names.add(name.group(1));
    }
    assertThat(names).containsExactlyElementsOf(Arrays.stream(SessionSetting.values()).map(SessionSetting::guc)
        .toList());
    assertThat(sql).contains("jsonb_build_object('v', " + HelperInstaller.VERSION + ",")
        .contains("'ddlcast helper version " + HelperInstaller.VERSION + "'");
  }
}
