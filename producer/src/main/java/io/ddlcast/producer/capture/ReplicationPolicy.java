package io.ddlcast.producer.capture;

import io.ddlcast.producer.capture.HelperRecord.HelperObject;
import io.ddlcast.producer.capture.StatementParts.Part;
import java.util.List;

/**
 * What never reaches a standby even when it committed, and why: DDL whose text PostgreSQL does not log (inside an
 * SQL-language function), ddlcast's own sessions and objects, temporary objects (they exist only in their session),
 * and statements that change only the instance they run on ({@code ALTER SYSTEM}). The rules are checked in that
 * order; the first that applies names the drop.
 */
public final class ReplicationPolicy {
  /** Why a command is not replicated. */
  public record Exclusion(DropKind kind, String reason) {}

  /** ddlcast's own client sessions: {@code ddlcast-producer}, {@code ddlcast-install}, ... */
  static final String OWN_APPLICATION_PREFIX = "ddlcast";

  private ReplicationPolicy() {}

  /**
   * The exclusion for one DDL command, or null when it replicates. {@code helper} is the event trigger's record
   * (null when none reported the command), {@code dropped} what it reported dropped just before, and
   * {@code sqlFunction} whether the command ran inside an SQL-language function ({@code text} is then only its tag).
   */
  public static Exclusion exclusion(Part part, String text, String applicationName, HelperRecord helper,
      List<HelperObject> dropped, boolean sqlFunction) {
    String tag = part.command().tag();
    if (sqlFunction) {
      return new Exclusion(DropKind.TEXT_NOT_LOGGED,
          "DDL (" + text + ") inside an SQL-language function: PostgreSQL does not log its text");
    }
    if (applicationName != null && applicationName.startsWith(OWN_APPLICATION_PREFIX)) {
      return new Exclusion(DropKind.NOT_REPLICATED, "ddlcast's own session");
    }
    if (helper != null && helper.allObjectsDdlcastOwn(dropped)) {
      return new Exclusion(DropKind.NOT_REPLICATED, "ddlcast's own object");
    }
    if (tag.endsWith("EVENT TRIGGER") && text.contains("ddlcast_")) {
      return new Exclusion(DropKind.NOT_REPLICATED, "ddlcast's own event trigger");
    }
    if (helper != null ? helper.allObjectsTemporary(dropped) : part.command().temporary()) {
      return new Exclusion(DropKind.NOT_REPLICATED, "temporary object (exists only in its session)");
    }
    if (part.command().instanceLocal()) {
      return new Exclusion(DropKind.NOT_REPLICATED, tag + " changes only the instance it runs on");
    }
    return null;
  }
}
