package io.ddlcast.common.seal;

import io.ddlcast.common.cli.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --secrets-key FILE} of the producer and the appliers, read while their configuration is validated: a file
 * that cannot be read or is not a key is a configuration problem (exit code 2), named without its content; a key
 * file that others than its owner may read is warned about (it opens every sealed secret on the topic).
 */
public final class SecretsKeyFile {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsKeyFile.class);
  private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.OTHERS_READ);

  private SecretsKeyFile() {}

  /** The key in {@code file} (null: none given), or null with the problem added. */
  public static SecretsKey read(Path file, Problems problems) {
    if (file == null) {
      return null;
    }
    try {
      SecretsKey key = SecretsKey.read(file);
      warnIfReadableByOthers(file);
      return key;
    } catch (IOException e) {
      problems.invalid("--secrets-key", file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    } catch (IllegalArgumentException e) {
      problems.invalid("--secrets-key", file, e.getMessage());
    }
    return null;
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream().anyMatch(OTHERS::contains)) {
        LOG.warn("the secrets key {} may be read by others than its owner ({}): chmod 600 it", file,
            PosixFilePermissions.toString(permissions));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to say
    }
  }
}
