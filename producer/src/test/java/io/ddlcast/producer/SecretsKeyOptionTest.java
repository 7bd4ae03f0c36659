package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.event.EventFilter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --secrets-key}: read while the configuration is validated, from the option, the environment or the file. */
class SecretsKeyOptionTest {
  @TempDir
  Path dir;

  private ProducerConfig.Raw raw() {
    return new ProducerConfig.Raw("localhost:9092", "ddlcast.ddl", null, dir, null, "primary1", 1, -1,
        StartFrom.EARLIEST, Duration.ofMillis(200), null, EventFilter.Options.NONE, false);
  }

  @Test
  void aKeyFileIsReadIntoTheConfig() throws Exception {
    Path key = Files.writeString(dir.resolve("k"), Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    assertThat(ProducerConfig.validate(raw(), key).secretsKey()).isNotNull();
    assertThat(ProducerConfig.validate(raw()).secretsKey()).isNull();
  }

  @Test
  void aBadKeyFileIsAConfigurationErrorFromAnySourceNamingNoContent() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad"), "my-password-123\n");
    Path config = Files.writeString(dir.resolve("producer.properties"), "secrets.key=" + bad + "\n");
    String[][] cases = {{"--secrets-key", bad.toString()}, {"--config", config.toString()}, {}};
    for (int i = 0; i < cases.length; i++) {
      StringWriter err = new StringWriter();
      List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", "localhost:1", "--log-dir",
          dir.toString(), "--source", "primary1"));
      args.addAll(List.of(cases[i]));
      int code = Cli.run(new ProducerMain(), args.toArray(String[]::new),
          i == 2 ? Map.of("DDLCAST_SECRETS_KEY", bad.toString()) : Map.of(), new PrintWriter(new StringWriter()),
          new PrintWriter(err, true));
      assertThat(code).as(err.toString()).isEqualTo(2);
      assertThat(err.toString()).startsWith("Invalid value '" + bad + "' for option --secrets-key: ")
          .doesNotContain("my-password-123");
    }
    StringWriter err = new StringWriter();
    int missing = Cli.run(new ProducerMain(), new String[] {"run", "--bootstrap-servers", "localhost:1",
        "--log-dir", dir.toString(), "--source", "primary1", "--secrets-key", dir.resolve("none").toString()},
        Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(missing).isEqualTo(2);
    assertThat(err.toString()).contains("--secrets-key").contains("cannot be read");
  }
}
