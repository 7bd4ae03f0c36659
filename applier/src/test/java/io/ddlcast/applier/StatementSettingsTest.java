package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.SessionSetting;
import org.junit.jupiter.api.Test;

class StatementSettingsTest {
  @Test
  void dateStyleKeepsThePrimarysFieldOrderUnderTheIsoOutputThatPgjdbcNeeds() {
    assertThat(StatementSettings.standbyValue(SessionSetting.DATE_STYLE, "Postgres, MDY")).isEqualTo("ISO, MDY");
    assertThat(StatementSettings.standbyValue(SessionSetting.DATE_STYLE, "SQL, DMY")).isEqualTo("ISO, DMY");
    assertThat(StatementSettings.standbyValue(SessionSetting.DATE_STYLE, "ISO, YMD")).isEqualTo("ISO, YMD");
    assertThat(StatementSettings.standbyValue(SessionSetting.DATE_STYLE, null)).isNull();
  }

  @Test
  void functionBodiesAreNeverCheckedOnAStandbyAndOtherSettingsPassAsThePrimaryHadThem() {
    assertThat(StatementSettings.standbyValue(SessionSetting.CHECK_FUNCTION_BODIES, "on")).isEqualTo("off");
    assertThat(StatementSettings.standbyValue(SessionSetting.CHECK_FUNCTION_BODIES, null)).isEqualTo("off");
    assertThat(StatementSettings.standbyValue(SessionSetting.TIME_ZONE, "PST8PDT")).isEqualTo("PST8PDT");
  }
}
