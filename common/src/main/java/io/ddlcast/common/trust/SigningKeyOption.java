package io.ddlcast.common.trust;

import io.ddlcast.common.cli.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Key options as the commands take them, turned into keys or a configuration error (exit code 2) that names the
 * option, the file and what is wrong with it: {@code --signing-key FILE} and {@code --trusted-keys FILE[,FILE...]}.
 */
public final class SigningKeyOption {
  private SigningKeyOption() {}

  /** The signing key of {@code file}, or null when none is given. */
  public static SigningKey load(String option, Path file) {
    Problems problems = new Problems();
    SigningKey key = load(option, file, problems);
    problems.throwIfAny();
    return key;
  }

  /** The signing key of {@code file}, null when none is given or it is unusable (then a problem says why). */
  public static SigningKey load(String option, Path file, Problems problems) {
    if (file == null) {
      return null;
    }
    try {
      return SigningKey.load(file);
    } catch (KeyFileException e) {
      problems.invalid(option, file, e.getMessage());
      return null;
    }
  }

  /** The public keys of a comma-separated list of files, null when none is given or one is unusable. */
  public static TrustedKeys trusted(String option, String files, Problems problems) {
    if (files == null || files.isBlank()) {
      return null;
    }
    List<Path> paths = new ArrayList<>();
    Arrays.stream(files.split(",")).map(String::strip).filter(f -> !f.isEmpty()).forEach(f -> paths.add(Path.of(f)));
    List<String> bad = new ArrayList<>();
    for (Path path : paths) {
      try {
        KeyFiles.publicKey(path);
      } catch (KeyFileException e) {
        bad.add(e.getMessage());
      }
    }
    if (!bad.isEmpty()) {
      bad.forEach(reason -> problems.invalid(option, files, reason));
      return null;
    }
    return TrustedKeys.load(paths);
  }
}
