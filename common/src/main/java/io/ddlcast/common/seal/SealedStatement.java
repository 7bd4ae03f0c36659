package io.ddlcast.common.seal;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.Secrets;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A statement that holds a secret literal travels sealed: the event's {@code statement} is the statement masked
 * ({@link Secrets#mask}), which is what everything logs, prints, filters, reports and dead-letters, and its
 * {@code sealed} field is the whole statement under the {@link SecretsKey}. The event's identity (source, id,
 * database, key, scope) is the associated data, so a sealed statement moved into another event does not open.
 *
 * <p>Opening checks that the opened statement masks to exactly the event's {@code statement}: the text an operator
 * sees and the text that runs cannot disagree (a statement changed after it was sealed, or a masked text of another
 * statement, is refused).
 */
public final class SealedStatement {
  private SealedStatement() {}

  /** True when the statement holds something {@link Secrets#mask} hides. */
  public static boolean holdsSecret(String statement) {
    return !Secrets.mask(statement).equals(statement);
  }

  /** The event with its statement masked and sealed; unchanged when there is nothing to hide or it is sealed. */
  public static DdlEvent seal(DdlEvent event, SecretsKey key) {
    if (event.sealed() != null || !holdsSecret(event.statement())) {
      return event;
    }
    return event.withSealed(Secrets.mask(event.statement()), key.seal(event.statement(), associatedData(event)));
  }

  /**
   * The statement to run: the event's own, or its sealed one opened and checked against the masked text. Throws
   * {@link SealException} for a sealed event without a key, under another key, altered, or not agreeing.
   */
  public static String open(DdlEvent event, SecretsKey key) throws SealException {
    if (event.sealed() == null) {
      return event.statement();
    }
    if (key == null) {
      throw new SealException("its statement is sealed (it holds a secret) and this applier has no --secrets-key");
    }
    String statement = key.open(event.sealed(), associatedData(event));
    if (!Secrets.mask(statement).equals(event.statement())) {
      throw new SealException("the sealed statement does not mask to the event's statement: not the same statement");
    }
    return statement;
  }

  /** The event's identity, each part length-prefixed so that no two identities give the same bytes. */
  static byte[] associatedData(DdlEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String part : new String[] {"ddlcast-event", event.source(), event.id(), event.database(), event.key(),
        event.scope().name()}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
