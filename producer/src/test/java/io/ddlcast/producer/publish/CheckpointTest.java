package io.ddlcast.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.producer.csvlog.LogCursor;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A checkpoint record read back: what this build wrote, or a clear refusal naming what is wrong. */
class CheckpointTest {
  @Test
  void whatIsWrittenIsReadBack() {
    Checkpoint written = new Checkpoint(new LogCursor("postgresql-1.csv", 120), null, 3, "s:1", "t", 0, 1, 2);
    Checkpoint read = Checkpoint.decode(written.encode());
    assertThat(read.cursor()).isEqualTo(written.cursor());
    assertThat(read.published()).isEqualTo(3);
    assertThat(read.refused()).isEqualTo(2);
    assertThat(read.unsigned()).isFalse();
  }

  @Test
  void anUnsignedProducerSaysSoForStatusAndASigningOneWritesNothing() {
    Checkpoint unsigned = new Checkpoint(new LogCursor("postgresql-1.csv", 1), null, 1, null, null, 0, 0, 0, true);
    assertThat(new String(unsigned.encode(), StandardCharsets.UTF_8)).contains("\"unsigned\":true");
    assertThat(Checkpoint.decode(unsigned.encode()).unsigned()).isTrue();
    Checkpoint signed = new Checkpoint(new LogCursor("postgresql-1.csv", 1), null, 1, null, null, 0, 0, 0, false);
    assertThat(new String(signed.encode(), StandardCharsets.UTF_8)).doesNotContain("unsigned");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"v\":2,\"file\":\"postgresql-1.csv\",\"off|not JSON",
      "[1,2]|not a JSON object",
      "{\"v\":3,\"file\":\"postgresql-1.csv\",\"offset\":1,\"published\":1}|version 3, not the 2 this build reads",
      "{\"v\":\"2\",\"file\":\"postgresql-1.csv\",\"offset\":1,\"published\":1}|version \"2\"",
      "{\"v\":2,\"offset\":1,\"published\":1}|field 'file' is null, not a file name",
      "{\"v\":2,\"file\":\"postgresql-1.csv\",\"offset\":\"12\",\"published\":1}|field 'offset' is \"12\", not a count",
      "{\"v\":2,\"file\":\"postgresql-1.csv\",\"offset\":-5,\"published\":1}|field 'offset' is -5, not a count",
      "{\"v\":2,\"file\":\"postgresql-1.csv\",\"offset\":1}|field 'published' is null, not a count",
      "{\"v\":2,\"file\":\"f.csv\",\"offset\":1,\"published\":1,\"tracker\":[]}|field 'tracker' is not an object"})
  void aRecordThisBuildDidNotWriteIsRefusedNamingWhatIsWrong(String json, String problem) {
    assertThatThrownBy(() -> Checkpoint.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnreadableCheckpointException.class).hasMessageContaining(problem);
  }
}
