package io.ddlcast.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.event.EventCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
  @TempDir
  Path dir;

  private List<JsonNode> scan(String... fixtures) throws Exception {
    return scanWith(List.of(), fixtures);
  }

  private List<JsonNode> scanWith(List<String> options, String... fixtures) throws Exception {
    List<String> args = new ArrayList<>(List.of("scan"));
    args.addAll(options);
    for (String fixture : fixtures) {
      Path file = dir.resolve(fixture + ".csv");
      try (var in = getClass().getResourceAsStream("/csvlog/capture/" + fixture + ".csv")) {
        Files.write(file, in.readAllBytes());
      }
      args.add(file.toString());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(new ProducerMain(), args.toArray(String[]::new), Map.of(), new PrintWriter(out),
        new PrintWriter(err));
    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        lines.add(EventCodec.mapper().readTree(line));
      }
    }
    return lines;
  }

  @Test
  void printsEveryDecisionAsAJsonLine() throws Exception {
    List<JsonNode> lines = scan("01-autocommit", "08-2pc-commit");
    assertThat(lines).extracting(l -> l.path("decision").asText()).containsExactly("publish", "drop", "undecided");
    assertThat(lines.get(1).path("reason").asText()).contains("42P07");
    assertThat(lines.get(2).path("needs").asText()).isEqualTo("primary");
    assertThat(lines.get(0).path("event").path("statement").asText()).isEqualTo("CREATE TABLE t1(a int)");
  }

  @Test
  void masksPasswords() throws Exception {
    List<JsonNode> lines = scan("18-globals");
    assertThat(lines.toString()).doesNotContain("AppSecret").doesNotContain("MapSecret");
  }

  @Test
  void reportsAnIncompleteLastRecordAndATransactionStillOpen() throws Exception {
    byte[] full;
    try (var in = getClass().getResourceAsStream("/csvlog/capture/02-tx-commit.csv")) {
      full = in.readAllBytes();
    }
    String text = new String(full, StandardCharsets.UTF_8);
    int cut = text.indexOf("COMMIT");
    Path file = dir.resolve("cut.csv");
    Files.writeString(file, text.substring(0, text.lastIndexOf('\n', cut) + 1) + "2026-11-23 19:");
    StringWriter out = new StringWriter();
    int code = Cli.run(new ProducerMain(), new String[] {"scan", file.toString()}, Map.of(), new PrintWriter(out),
        new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    assertThat(out.toString()).contains("\"problem\":\"incomplete record at the end of")
        .contains("\"decision\":\"open\"");
  }

  @Test
  void filteredEventsArePrintedWithTheReasonAndEverythingElseIsAsWithoutFilters() throws Exception {
    List<JsonNode> all = scan("16-context", "18-globals");
    List<JsonNode> lines = scanWith(List.of("--exclude-schemas", "s16b", "--exclude-commands", "CREATE ROLE",
        "--exclude-databases", "gdb*"), "16-context", "18-globals");
    assertThat(lines).hasSameSizeAs(all);
    List<String> filtered = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertThat(line.path("event")).isEqualTo(all.get(i).path("event"));
      if (line.path("decision").asText().equals("filtered")) {
        assertThat(all.get(i).path("decision").asText()).isEqualTo("publish");
        filtered.add(line.path("event").path("statement").asText() + " | " + line.path("reason").asText());
      } else {
        assertThat(line.path("decision")).isEqualTo(all.get(i).path("decision"));
      }
    }
    assertThat(filtered).containsExactly(
        "CREATE TABLE c4(); | excluded by --exclude-schemas=s16b (schema s16b)",
        "CREATE ROLE g_app LOGIN PASSWORD '********'; | excluded by --exclude-commands=CREATE ROLE "
            + "(command CREATE ROLE)",
        "CREATE ROLE g_read NOLOGIN; | excluded by --exclude-commands=CREATE ROLE (command CREATE ROLE)",
        "CREATE DATABASE gdb OWNER g_app TEMPLATE template0; | excluded by --exclude-databases=gdb* (database gdb)",
        "ALTER DATABASE gdb RENAME TO gdb2; | excluded by --exclude-databases=gdb* (database gdb)",
        "DROP DATABASE gdb2; | excluded by --exclude-databases=gdb* (database gdb2)");
  }

  @Test
  void badFilterPatternsAreRefusedBeforeReading() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ProducerMain(), new String[] {"scan", "--exclude-commands", "CREAT TABLE",
        "--include-schemas", "a,", dir.resolve("missing.csv").toString()}, Map.of(),
            new PrintWriter(new StringWriter()),
        new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value 'CREAT TABLE' for option --exclude-commands")
        .contains("Invalid value 'a,' for option --include-schemas").doesNotContain("missing.csv");
  }
}
