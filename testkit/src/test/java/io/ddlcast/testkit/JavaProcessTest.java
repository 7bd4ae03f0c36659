package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaProcessTest {

  @TempDir
  Path dir;

  @Test
  void startsAJarAndSeesOnlyItsOwnOutput() throws IOException {
    Path jar = sleeperJar();
    Path output = dir.resolve("logs/sleeper.out");

    try (JavaProcess first = JavaProcess.startJar(jar, List.of("-Xmx64m"), List.of("one"),
        Map.of("SLEEPER_ENV", "env-one"), output)) {
      first.awaitOutput("ready one env-one", Duration.ofSeconds(20));
      assertThat(first.isAlive()).isTrue();
      assertThat(first.pid()).isPositive();
      first.sigterm();
      assertThat(first.waitFor(Duration.ofSeconds(10))).isEqualTo(143);
    }
    try (JavaProcess second = JavaProcess.startJar(jar, List.of(), List.of("two"), Map.of(), output)) {
      second.awaitOutput("ready two", Duration.ofSeconds(20));
      assertThat(second.output()).doesNotContain("ready one");
      assertThatThrownBy(() -> second.awaitOutput("never printed", Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class).hasMessageContaining("ready two");
      second.sigkill();
      assertThat(second.isAlive()).isFalse();
      assertThat(second.waitFor(Duration.ofSeconds(1))).isEqualTo(137);
    }
    assertThat(Files.readString(output)).contains("ready one", "ready two");
  }

  /** A jar with only a manifest: Main-Class Sleeper, Class-Path the test classes directory. */
  private Path sleeperJar() throws IOException {
    Path classes = Path.of(Sleeper.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Sleeper.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
    Path jar = dir.resolve("sleeper.jar");
    try (OutputStream out = Files.newOutputStream(jar)) {
      new JarOutputStream(out, manifest).finish();
    }
    return jar;
  }
}
