package io.ddlcast.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

  @Test
  void millis() {
    assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void seconds() {
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void minutes() {
    assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void hours() {
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void unitIsCaseInsensitiveAndMayFollowASpace() {
    assertThat(DurationConverter.parse(" 30 S ")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void isoDuration() {
    assertThat(DurationConverter.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void isoDurationInLowerCase() {
    assertThat(DurationConverter.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void converterDelegatesToParse() {
    assertThat(new DurationConverter().convert("5m")).isEqualTo(Duration.ofMinutes(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "", "5", "5d", "1.5s", "s", "-5s"})
  void badDurationIsATypeConversionError(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("is not a duration");
  }
}
