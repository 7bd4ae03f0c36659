package io.ddlcast.producer;

import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.jdbc.PgUrl;

/** Validation of {@code --primary-url} for the commands that cannot work without it. */
final class PrimaryUrlOption {
  private PrimaryUrlOption() {}

  static PgUrl parse(String value) {
    Problems problems = new Problems();
    PgUrl url = null;
    if (value == null || value.isBlank()) {
      problems.missing("--primary-url", "the primary, e.g. jdbc:postgresql://HOST:5432/postgres?user=postgres");
    } else {
      try {
        url = PgUrl.parse(value);
      } catch (IllegalArgumentException e) {
        problems.invalid("--primary-url", value, e.getMessage());
      }
    }
    problems.throwIfAny();
    return url;
  }
}
