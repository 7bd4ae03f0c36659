package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster made {@link PostgresOptions#withTls()} takes TCP connections over TLS only, and its JDBC URL makes the
 * client verify the server's certificate and host name ({@code sslmode=verify-full}) against the test CA.
 */
class LocalPostgresTlsTest {
  private static LocalPostgres server;
  private static Path otherCa;

  @BeforeAll
  static void create() throws Exception {
    server = LocalPostgres.create("tls", PostgresOptions.standby().withTls());
    otherCa = TestCertificates.create(Files.createTempDirectory("ddlcast-other-ca-")).caPem();
  }

  @AfterAll
  static void close() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void jdbcUrlVerifiesTheServerAndTheSessionIsEncrypted() {
    assertThat(server.jdbcUrl("postgres")).contains("sslmode=verify-full", "sslrootcert=");
    assertThat(server.query("postgres", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
        .containsExactly("t");
    assertThat(server.psql("postgres", "SELECT 'ssl=' || ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .output()).contains("ssl=t");
    assertThat(server.schemaDump("postgres")).isNotNull();
  }

  @Test
  void plainTcpIsRefused() {
    String plain = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=postgres&sslmode=disable";
    assertThatThrownBy(() -> connect(plain)).isInstanceOf(SQLException.class)
        .hasMessageContaining("no encryption");
  }

  @Test
  void aServerCertificateOfAnotherCaIsRefused() {
    String wrongCa = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=postgres"
        + "&sslmode=verify-full&sslrootcert=" + otherCa;
    assertThatThrownBy(() -> connect(wrongCa)).isInstanceOf(SQLException.class)
        .hasMessageContaining("SSL error");
  }

  private static void connect(String url) throws SQLException {
    try (Connection ignored = DriverManager.getConnection(url)) {
      throw new AssertionError("connected with " + url);
    }
  }
}
