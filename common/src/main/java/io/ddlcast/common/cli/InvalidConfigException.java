package io.ddlcast.common.cli;

import java.util.List;

/** Configuration that cannot be used, with every problem found (not just the first), each naming its option. */
public class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
