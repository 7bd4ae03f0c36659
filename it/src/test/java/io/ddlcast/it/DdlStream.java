package io.ddlcast.it;

import io.ddlcast.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client workload of DDL on one server, on its own thread: two sessions per database, each creating tables and
 * then indexing or altering the ones it created, until stopped or the server is gone (killed: the stream ends there).
 * What it ran is what committed there: each statement runs in auto-commit.
 */
final class DdlStream implements AutoCloseable {
  private final AtomicBoolean working = new AtomicBoolean(true);
  private final AtomicInteger ran = new AtomicInteger();
  private final Thread thread;

  DdlStream(PostgresServer server, String prefix, List<String> databases) {
    thread = new Thread(() -> run(server, prefix, databases), "ddl-" + prefix);
    thread.start();
  }

  private void run(PostgresServer server, String prefix, List<String> databases) {
    List<Connection> sessions = new ArrayList<>();
    try {
      for (String db : databases) {
        sessions.add(server.connect(db));
        sessions.add(server.connect(db));
      }
      for (int i = 0; working.get(); i++) {
        Connection c = sessions.get(i % sessions.size());
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE " + prefix + i + " (id int, v text)");
          if (i >= sessions.size()) {
            int earlier = i - sessions.size(); // created by the same session, in the same database
            st.execute(i % 3 == 0 ? "CREATE INDEX ON " + prefix + earlier + " (v)"
                : "ALTER TABLE " + prefix + earlier + " ADD COLUMN c" + i + " int");
          }
        }
        ran.incrementAndGet();
        Thread.sleep(15);
      }
    } catch (SQLException | InterruptedException e) {
      // the server went away: the stream ends there
    } finally {
      for (Connection c : sessions) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // a connection to a killed server
        }
      }
    }
  }

  /** Rounds completed (each one or two statements). */
  int ran() {
    return ran.get();
  }

  /** Stops after the round in hand and waits for the thread. */
  @Override
  public void close() throws InterruptedException {
    working.set(false);
    thread.join(30_000);
  }
}
