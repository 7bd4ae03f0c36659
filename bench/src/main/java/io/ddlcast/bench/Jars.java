package io.ddlcast.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the runnable jars are: beside this one in the source tree ({@code bench/target/ddlcast-bench.jar} →
 * {@code producer/target/ddlcast-producer.jar}), or under the directory given by the system property
 * {@code ddlcast.root}.
 */
final class Jars {
  private Jars() {}

  static Path root() {
    String property = System.getProperty("ddlcast.root");
    if (property != null) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    try {
      Path self = Path.of(Jars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // bench/target/ddlcast-bench.jar or bench/target/classes
      Path candidate = self.getParent().getParent().getParent();
      if (candidate != null && Files.isDirectory(candidate.resolve("producer"))) {
        return candidate;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  static Path self() {
    try {
      return Path.of(Jars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new BenchException("cannot locate the bench jar", e);
    }
  }

  static Path producer() {
    return existing(root().resolve("producer/target/ddlcast-producer.jar"));
  }

  static Path applier() {
    return existing(root().resolve("applier/target/ddlcast-applier.jar"));
  }

  private static Path existing(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new BenchException(jar + " is missing: build with ./mvnw -B -DskipTests package");
    }
    return jar;
  }
}
