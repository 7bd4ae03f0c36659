package io.ddlcast.applier;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.status.Signatures;
import io.ddlcast.common.trust.SigningKeyOption;
import io.ddlcast.common.trust.TrustedKeys;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whom this applier believes: the keys whose signed events it applies ({@code --trusted-keys}; none: it applies
 * unsigned events, and says so at start and in {@code status}), the keys whose signed operator commands it obeys
 * ({@code --operator-keys}), and the sources (primaries) it serves ({@code --sources}; none: any). With trusted keys,
 * operator keys are required: a standby that refuses forged events must not obey a forged {@code skip}.
 *
 * @param events the keys of the producers; null when events are not verified
 * @param operators the keys of the operators; null when commands are not verified
 * @param sources the {@code source} values of the events served; empty: any
 */
record ApplierTrust(TrustedKeys events, TrustedKeys operators, Set<String> sources) {
  /** Unsigned events and commands of any source: the demo's, and a topic secured by ACLs alone. */
  static final ApplierTrust UNSIGNED = new ApplierTrust(null, null, Set.of());

  ApplierTrust {
    sources = Set.copyOf(sources);
  }

  static ApplierTrust validate(String trustedKeys, String operatorKeys, String sources) {
    Problems problems = new Problems();
    ApplierTrust trust = validate(trustedKeys, operatorKeys, sources, problems);
    problems.throwIfAny();
    return trust;
  }

  /** The trust these options give; their problems go to {@code problems} (then the result is not to be used). */
  static ApplierTrust validate(String trustedKeys, String operatorKeys, String sources, Problems problems) {
    TrustedKeys events = SigningKeyOption.trusted("--trusted-keys", trustedKeys, problems);
    TrustedKeys operators = SigningKeyOption.trusted("--operator-keys", operatorKeys, problems);
    boolean eventsGiven = trustedKeys != null && !trustedKeys.isBlank();
    boolean operatorsGiven = operatorKeys != null && !operatorKeys.isBlank();
    if (eventsGiven && !operatorsGiven) {
      problems.missing("--operator-keys", "with --trusted-keys, operator commands (retry, skip) must be signed too: "
          + "give the public keys of the operators (their --signing-key)");
    }
    Set<String> served = new LinkedHashSet<>();
    if (sources != null) {
      Arrays.stream(sources.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(served::add);
    }
    return new ApplierTrust(events, operators, served);
  }

  Signatures signatures() {
    return events == null ? Signatures.UNSIGNED : Signatures.VERIFIED;
  }
}
