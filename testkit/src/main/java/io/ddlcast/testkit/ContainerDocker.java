package io.ddlcast.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers whether a Docker engine is reachable. Kept in its own class so that the only code touching
 * Testcontainers is loaded only after {@link TestServers} has checked that Testcontainers is on the classpath (the
 * demo ships without it).
 */
final class ContainerDocker {

  private ContainerDocker() {
  }

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }
}
