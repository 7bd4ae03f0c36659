package io.ddlcast.producer.primary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the primary an event comes from. The name keys the producer's checkpoint and transaction, so it must not
 * change between runs: {@code --source} if given, else the cluster's system identifier (the first eight bytes of
 * {@code global/pg_control}, what {@code pg_controldata} prints), which is the same whether it is read from the data
 * directory or asked of the server.
 */
public final class SourceIdentity {
  private SourceIdentity() {}

  public static String fromPgControl(Path pgdata) throws IOException {
    Path control = pgdata.resolve("global").resolve("pg_control");
    try (InputStream in = Files.newInputStream(control)) {
      byte[] head = in.readNBytes(8);
      if (head.length < 8) {
        throw new IOException(control + " is too short to hold a system identifier");
      }
      return Long.toUnsignedString(ByteBuffer.wrap(head).order(ByteOrder.nativeOrder()).getLong());
    }
  }
}
