package io.ddlcast.applier;

import io.ddlcast.common.status.ControlCommand;
import io.ddlcast.common.status.StatusJson;
import io.ddlcast.common.trust.SignedBytes;
import io.ddlcast.common.trust.TrustedKeys;
import io.ddlcast.common.trust.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which records of the control topic are commands this standby obeys. A record keyed by another standby is not
 * looked at. With operator keys, a command is obeyed only if signed by one of them over its topic, key (the standby)
 * and value (type, standby, database or event, time, operator), and only if the standby it names is this one: a
 * signed command cannot be moved to another standby, database or event. A refused command is logged with where it
 * is, what it says and why, and nothing is done.
 *
 * <p>Replays: a signed {@code SKIP} names one event (its id, or {@code @partition:offset}), so replaying it skips that
 * same event again, which changes nothing; it must stay valid forever (an applier started later honours every skip).
 * A signed {@code RETRY} acts on whatever is stopped when it arrives, so it is obeyed once, and only within
 * {@link #RETRY_VALIDITY} of the time it carries; old retries are not read at start anyway (starting retries all).
 */
final class CommandGate {
  private static final Logger LOG = LoggerFactory.getLogger(CommandGate.class);
  /** How long after it was given a signed RETRY is obeyed; a replay later is refused. */
  static final Duration RETRY_VALIDITY = Duration.ofMinutes(10);

  private final String standby;
  private final TrustedKeys operators;
  private final Clock clock;
  private final Set<String> retriesObeyed = new HashSet<>();

  /** Obeys commands for {@code standby} signed by {@code operators} (null: unsigned commands are obeyed). */
  CommandGate(String standby, TrustedKeys operators, Clock clock) {
    this.standby = standby;
    this.operators = operators;
    this.clock = clock;
  }

  /** The command of a record as read when the applier starts (every SKIP still holds), or null if not obeyed. */
  ControlCommand atStart(ConsumerRecord<String, byte[]> record) {
    return decode(record);
  }

  /** The command of a record that arrived while the applier runs, or null if not obeyed. */
  ControlCommand live(ConsumerRecord<String, byte[]> record) {
    ControlCommand command = decode(record);
    if (command != null && command.type() == ControlCommand.Type.RETRY && !freshRetry(record, command)) {
      return null;
    }
    return command;
  }

  private ControlCommand decode(ConsumerRecord<String, byte[]> record) {
    if (!standby.equals(record.key())) {
      return null;
    }
    ControlCommand command;
    try {
      command = StatusJson.decode(record.value(), ControlCommand.class);
    } catch (IllegalArgumentException e) {
      if (operators == null) {
        LOG.warn("ignoring an unreadable command at {} partition {} offset {}: {}", record.topic(),
            record.partition(), record.offset(), e.getMessage());
        return null;
      }
      command = null;
    }
    if (operators != null) {
      Verdict verdict = operators.verify(record.topic(), record.key(), record.value(), record.headers());
      if (!verdict.accepted()) {
        refuse(record, command, verdict.reason() + "; sign it with a key of --operator-keys (ddlcast applier "
            + "retry|skip --signing-key FILE)");
        return null;
      }
    }
    if (command == null || command.type() == null) {
      return null;
    }
    if (!standby.equals(command.standby())) {
      refuse(record, command, "it names standby " + command.standby() + " but was sent to " + standby);
      return null;
    }
    return command;
  }

  private boolean freshRetry(ConsumerRecord<String, byte[]> record, ControlCommand command) {
    if (operators == null) {
      return true;
    }
    Instant now = clock.instant();
    if (command.at() == null || command.at().isBefore(now.minus(RETRY_VALIDITY))
        || command.at().isAfter(now.plus(RETRY_VALIDITY))) {
      refuse(record, command, "its time " + command.at() + " is more than " + RETRY_VALIDITY.toMinutes()
          + " minutes from now (a replayed command?); give the retry again");
      return false;
    }
    String signature = Base64.getEncoder().encodeToString(
        record.headers().lastHeader(SignedBytes.SIGNATURE_HEADER).value());
    if (!retriesObeyed.add(signature)) {
      refuse(record, command, "it was obeyed already (the same signed command again: a replay?)");
      return false;
    }
    return true;
  }

  private void refuse(ConsumerRecord<String, byte[]> record, ControlCommand command, String why) {
    LOG.warn("standby {}: REFUSED the operator command at {} partition {} offset {} ({}): {}; nothing is done",
        standby, record.topic(), record.partition(), record.offset(), describe(command), why);
  }

  /** What the command says, for the log (it may be forged: it is only shown). */
  static String describe(ControlCommand command) {
    if (command == null) {
      return "unreadable";
    }
    String what = command.eventId() != null ? "of event " + command.eventId()
        : "of " + (command.database() == null ? "every stopped stream" : "database " + command.database());
    return command.type() + " " + what + " for standby " + command.standby() + " by " + command.by() + " at "
        + command.at();
  }
}
