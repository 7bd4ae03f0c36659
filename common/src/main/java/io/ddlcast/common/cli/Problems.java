package io.ddlcast.common.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects configuration problems while a config record is validated, so that all of them are reported at once in
 * the shape {@code Invalid value 'X' for option --foo: reason}.
 */
public final class Problems {
  private final List<String> problems = new ArrayList<>();

  public void invalid(String option, Object value, String reason) {
    problems.add("Invalid value '" + value + "' for option " + option + ": " + reason);
  }

  public void missing(String option, String hint) {
    problems.add("Missing option " + option + ": " + hint);
  }

  public void add(String problem) {
    problems.add(problem);
  }

  /** How many problems were found so far. */
  public int count() {
    return problems.size();
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
  }
}
