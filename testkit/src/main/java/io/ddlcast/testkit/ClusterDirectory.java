package io.ddlcast.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;

/**
 * Creates the directory a {@link LocalPostgres} cluster lives in. When the JVM is root the cluster runs as the OS
 * user {@code postgres}, which must own the directory and be able to reach it; both are arranged or checked here,
 * with a message that says what to change when they cannot be.
 */
final class ClusterDirectory {

  private static final int MAX_SOCKET_PATH = 100;

  private ClusterDirectory() {
  }

  /** A new directory {@code <tmp or baseDir>/<name>-<random>}, mode 0755, owned by the cluster's OS user. */
  static Path create(String name, Path baseDir) {
    String prefix = name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-";
    try {
      Path root;
      if (baseDir == null) {
        root = Files.createTempDirectory("ddlcast-pg-" + prefix);
      } else {
        Files.createDirectories(baseDir);
        root = Files.createTempDirectory(baseDir.toAbsolutePath(), prefix);
      }
      root = root.toAbsolutePath();
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (Commands.runningAsRoot()) {
        giveToPostgresUser(root);
        checkTraversable(root);
      }
      return root;
    } catch (IOException e) {
      throw new TestkitException("could not create the directory for cluster " + name
          + (baseDir == null ? " under " + System.getProperty("java.io.tmpdir") : " under " + baseDir), e);
    }
  }

  /** A short socket directory when the cluster directory is too deep for a Unix socket path (~107 bytes). */
  static Path socketDirFor(Path root) {
    if (root.toString().length() + "/.s.PGSQL.65535".length() <= MAX_SOCKET_PATH) {
      return root;
    }
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "ddlcast-sock-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (Commands.runningAsRoot()) {
        giveToPostgresUser(dir);
      }
      return dir;
    } catch (IOException e) {
      throw new TestkitException("could not create a short socket directory under /tmp", e);
    }
  }

  private static void giveToPostgresUser(Path dir) throws IOException {
    UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user;
    GroupPrincipal group;
    try {
      user = lookup.lookupPrincipalByName(Commands.POSTGRES_OS_USER);
      group = lookup.lookupPrincipalByGroupName(Commands.POSTGRES_OS_USER);
    } catch (IOException e) {
      throw new TestkitException("the JVM runs as root, and PostgreSQL refuses to run as root, but there is no OS"
          + " user/group '" + Commands.POSTGRES_OS_USER + "' to run clusters as (create it, e.g. by installing"
          + " the postgresql package)", e);
    }
    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    view.setOwner(user);
    view.setGroup(group);
  }

  /** Fails early and clearly if user postgres cannot reach the cluster directory. */
  private static void checkTraversable(Path root) throws IOException {
    for (Path ancestor = root.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
      PosixFileAttributes attributes = Files.readAttributes(ancestor, PosixFileAttributes.class);
      if (!attributes.permissions().contains(PosixFilePermission.OTHERS_EXECUTE)
          && !attributes.owner().getName().equals(Commands.POSTGRES_OS_USER)) {
        throw new TestkitException("OS user " + Commands.POSTGRES_OS_USER + " cannot reach " + root + ": "
            + ancestor + " has mode " + PosixFilePermissions.toString(attributes.permissions())
            + " (no o+x); use a base directory it can traverse, e.g. under /tmp");
      }
    }
  }
}
