package io.ddlcast.producer.settle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.producer.capture.EventFactory.Site;
import io.ddlcast.producer.capture.RolePasswords;
import io.ddlcast.producer.capture.SecretLiterals;
import io.ddlcast.producer.capture.StatementParts;
import io.ddlcast.producer.capture.StatementParts.Kind;
import io.ddlcast.producer.capture.StatementParts.Part;
import io.ddlcast.producer.csvlog.LogRecord;
import java.util.List;

/**
 * The statement string a session is executing, and how far its parts were matched to the commands that ran. Event
 * ids are the statement record's position ({@code session:line}), with {@code /N} for part N of a string of several.
 *
 * <pre>{@code
 * {"text":"CREATE TABLE a(); CREATE TABLE b()","baseId":"g.4:1","position":{...},
 *  "logTime":"2026-11-23 18:54:13.190 UTC","vxid":"10/1","next":0,"lastTransactionControl":null,
 *  "reportedPart":0,"reportedContext":{...},"sealedText":"AQ..."}
 * }</pre>
 */
final class StatementCursor {
  /** The text; as the checkpoint held it (masked) until {@link #open} gives back the sealed one. */
  String text;
  final String baseId;
  final LogPosition position;
  final String logTime;
  final String vxid;
  /** The first part not matched yet. */
  int next;
  /** The tag of the last transaction control passed over (COMMIT, ROLLBACK, ...), until the next DDL. */
  String lastTransactionControl;
  /**
   * False while the text may not be what ran (an extended-protocol record whose statement name may hide where the
   * SQL starts): its DDL is taken only when the helper's report of it, which carries the real text, matches.
   */
  boolean confirmed = true;
  /**
   * True while the text holds a backslash in a plain string and the standard_conforming_strings it was sent under is
   * not known to be on: read as the applier reads it (on), it may not be what ran. Its DDL is refused unless the
   * helper's report of one of its commands says the setting was on (a SET is not logged: nothing else tells).
   */
  boolean unsafe;
  /**
   * The last part the helper reported as a top-level command, and the context it reported (-1 and null: none). The
   * part right after it ran under that context, as nothing ran in between; a later one may not have (an unlogged
   * {@code SET ROLE} may have run), so DDL no helper reports takes it only there.
   */
  int reportedPart = -1;
  ExecutionContext reportedContext;
  /** Whether the text's reading depends on standard_conforming_strings; null until asked (derived, not stored). */
  private Boolean dependsOnSetting;
  /** Whether an unsafe text's transaction control reads alike with the setting off; null until asked (derived). */
  private Boolean controlAlikeWhenOff;
  private List<Part> parts;
  /** How its text is sealed in the checkpoint; after a restore, the sealed text until {@link #open}. */
  private SecretLiterals secrets = SecretLiterals.withoutKey();
  private String sealedText;

  private StatementCursor(String text, List<Part> parts, LogPosition position, String logTime, String vxid) {
    this.text = text;
    this.parts = parts;
    this.baseId = DdlEvent.idOf(position);
    this.position = position;
    this.logTime = logTime;
    this.vxid = vxid;
  }

  /** {@link SqlLexer#dependsOnStandardConformingStrings} of the text, read once however many reports match it. */
  boolean dependsOnStandardConformingStrings() {
    if (dependsOnSetting == null) {
      dependsOnSetting = SqlLexer.dependsOnStandardConformingStrings(text);
    }
    return dependsOnSetting;
  }

  /**
   * Whether the COMMIT, ROLLBACK, BEGIN, ... read in the text are what the server ran: not when the text is unsafe
   * and its transaction control reads otherwise with standard_conforming_strings off.
   */
  boolean transactionControlIsReliable() {
    if (!unsafe) {
      return true;
    }
    if (controlAlikeWhenOff == null) {
      controlAlikeWhenOff = StatementParts.sameTransactionControlWhenOff(text, parts);
    }
    return controlAlikeWhenOff;
  }

  /** The statement string of {@code record}, lexed into its parts; its secret literals sealed by {@code secrets}. */
  static StatementCursor of(String text, List<Part> parts, LogRecord record, SecretLiterals secrets) {
    StatementCursor cursor = new StatementCursor(text, parts, record.position(), record.logTime(), record.vxid());
    cursor.secrets = secrets;
    return cursor;
  }

  /**
   * After a restore: the text the checkpoint sealed, opened with {@code secrets} (the producer's key); without a key
   * or a sealed text, the masked text stays, and what it held is never shipped ({@link SecretLiterals#exclusion}).
   */
  void open(SecretLiterals with) {
    secrets = with;
    if (sealedText != null && with.sealing()) {
      text = with.openText(sealedText, baseId);
      parts = null;
    }
    sealedText = null;
  }

  List<Part> parts() {
    if (parts == null) {
      parts = StatementParts.of(text); // restored from a checkpoint: lexed again once
    }
    return parts;
  }

  /** The first part from {@link #next} on of a kind, or -1. */
  int nextOfKind(Kind kind) {
    List<Part> all = parts();
    for (int k = next; k < all.size(); k++) {
      if (all.get(k).kind() == kind) {
        return k;
      }
    }
    return -1;
  }

  /** The DDL parts not reached yet. */
  List<Part> remainingDdl() {
    return parts().subList(next, parts().size()).stream().filter(Part::isDdl).toList();
  }

  /** A statement alone in its string is shipped exactly as the primary ran it; a part of a string, trimmed. */
  String textOf(Part part) {
    return parts().size() == 1 ? text : part.text();
  }

  Site siteOf(Part part) {
    return new Site(parts().size() == 1 ? baseId : baseId + "/" + part.index(), position, logTime);
  }

  /**
   * The text as the checkpoint keeps it: no secret in it. A role's clear password becomes the placeholder (a part
   * read again from it ships the stored verifier, as it would have), and a statement that never replicates and can
   * carry credentials (a subscription's connection string) is masked.
   */
  String heldText() {
    StringBuilder held = new StringBuilder(text.length());
    int copied = 0;
    for (Part part : parts()) {
      int start = part.sql().offset();
      int end = start + part.text().length();
      if (start < copied || end > text.length() || !text.startsWith(part.text(), start)) {
        continue; // a single statement read on its own: its offset is 0 and it is the whole text
      }
      String kept = part.command().instanceLocal() ? Secrets.mask(part.text())
          : RolePasswords.withPlaceholder(part.text(), part.sql());
      held.append(text, copied, start).append(kept);
      copied = end;
    }
    return held.append(text, copied, text.length()).toString();
  }

  /** True if {@code query} is this statement string, or what it would be as the checkpoint holds it. */
  boolean isText(String query) {
    if (text.equals(query)) {
      return true;
    }
    if (!text.contains(RolePasswords.PLACEHOLDER) && !text.contains(Secrets.MASK)) {
      return false;
    }
    String held = new StatementCursor(query, StatementParts.of(query), position, logTime, vxid).heldText();
    return held.equals(text) || Secrets.mask(held).equals(text);
  }

  /**
   * Its checkpoint form. A text with a secret literal besides role passwords is kept masked, and sealed whole with
   * the producer's key when it has one ({@code "sealedText"}; the statement record's id is the associated data).
   */
  ObjectNode toJson() {
    ObjectNode c = StateJson.object();
    String held = heldText();
    if (SecretLiterals.holdsClearSecret(held)) {
      c.put("text", Secrets.mask(held));
      if (secrets.sealing()) {
        c.put("sealedText", secrets.sealText(held, baseId));
      }
    } else {
      c.put("text", held);
    }
    c.put("baseId", baseId);
    c.set("position", EventCodec.toNode(position));
    c.put("logTime", logTime);
    c.put("vxid", vxid);
    c.put("next", next);
    c.put("lastTransactionControl", lastTransactionControl);
    if (!confirmed) {
      c.put("unconfirmed", true);
    }
    if (unsafe) {
      c.put("unsafe", true);
    }
    if (reportedPart >= 0) {
      c.put("reportedPart", reportedPart);
      EventCodec.putContext(c, "reportedContext", reportedContext);
    }
    return c;
  }

  static StatementCursor fromJson(JsonNode c) {
    StatementCursor cursor = new StatementCursor(StateJson.text(c, "text"), null,
        EventCodec.position(c.get("position")), StateJson.text(c, "logTime"), StateJson.text(c, "vxid"));
    cursor.next = c.path("next").asInt();
    cursor.lastTransactionControl = StateJson.text(c, "lastTransactionControl");
    cursor.confirmed = !c.path("unconfirmed").asBoolean(false);
    cursor.unsafe = c.path("unsafe").asBoolean(false);
    cursor.reportedPart = c.path("reportedPart").asInt(-1);
    cursor.reportedContext = EventCodec.context(c.get("reportedContext"));
    cursor.sealedText = StateJson.text(c, "sealedText");
    return cursor;
  }
}
