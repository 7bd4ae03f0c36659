package io.ddlcast.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * What makes an {@link EmbeddedKafka} a production-like secured broker: one client listener that takes only
 * SASL_SSL with SCRAM-SHA-512, TLS from a self-signed certificate for {@code 127.0.0.1} (subject alternative name
 * {@code IP:127.0.0.1}, so clients verify the host as they do by default) made with the JDK's {@code keytool}, the
 * KRaft {@code StandardAuthorizer} with no access where no ACL allows it, and SCRAM users made for each test.
 *
 * <p>Super users: {@value #BROKER} (the broker's own inter-broker connections over the same listener, and its
 * controller connection, SASL PLAIN over the controller listener) and {@value #ADMIN} (what a test uses to make
 * users and ACLs). Both exist from the storage format ({@code --add-scram}); every other principal gets only what
 * its ACLs give.
 *
 * <p>Only the embedded broker is made secure (also where Docker runs): the secure tests always run in-process.
 */
public final class KafkaSecurity {
  public static final String BROKER = "broker";
  public static final String ADMIN = "admin";
  static final String MECHANISM = "SCRAM-SHA-512";
  private static final String STORE_TYPE = "PKCS12";

  private final Path dir;
  private final String storePassword = secret();
  private final Map<String, String> passwords = new LinkedHashMap<>();

  private KafkaSecurity(Path dir) {
    this.dir = dir;
    passwords.put(BROKER, secret());
    passwords.put(ADMIN, secret());
  }

  /** Makes the broker's key and certificate and the clients' truststore in {@code dir}. */
  static KafkaSecurity create(Path dir) {
    KafkaSecurity security = new KafkaSecurity(dir);
    security.makeStores();
    return security;
  }

  Path keystore() {
    return dir.resolve("broker.p12");
  }

  /** The PKCS12 truststore that holds the broker's certificate, for clients. */
  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  /** The password of a user made by {@link #addUser} (or of {@value #BROKER}, {@value #ADMIN}). */
  public synchronized String password(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no SCRAM user " + user);
    }
    return password;
  }

  /** Every password of this broker's users and stores, to look for in what must never show them. */
  public synchronized List<String> secrets() {
    List<String> all = new ArrayList<>(passwords.values());
    all.add(storePassword);
    return all;
  }

  private void makeStores() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TestkitException("cannot create " + dir, e);
    }
    Path certificate = dir.resolve("broker.pem");
    keytool("-genkeypair", "-alias", BROKER, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "7", "-keystore", keystore().toString(), "-storetype", STORE_TYPE,
        "-storepass", storePassword, "-keypass", storePassword);
    keytool("-exportcert", "-rfc", "-alias", BROKER, "-keystore", keystore().toString(), "-storetype", STORE_TYPE,
        "-storepass", storePassword, "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "ddlcast-test-ca", "-file", certificate.toString(), "-keystore",
        truststore().toString(), "-storetype", STORE_TYPE, "-storepass", storePassword);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Commands.runChecked(command, null, Map.of(), Duration.ofSeconds(60));
  }

  /** The broker's listener, authorizer and TLS settings for a client port and a controller port. */
  void configure(Properties props, int port, int controllerPort) {
    props.put("listeners", "SECURE://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "SECURE://127.0.0.1:" + port);
    props.put("listener.security.protocol.map", "SECURE:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
    props.put("inter.broker.listener.name", "SECURE");
    props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    props.put("sasl.mechanism.controller.protocol", "PLAIN");
    props.put("listener.name.secure.sasl.enabled.mechanisms", MECHANISM);
    props.put("listener.name.secure.scram-sha-512.sasl.jaas.config", scramJaas(BROKER, password(BROKER)));
    props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    props.put("listener.name.controller.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER + "\" password=\""
            + password(BROKER) + "\" user_" + BROKER + "=\"" + password(BROKER) + "\";");
    props.put("listener.name.secure.ssl.keystore.location", keystore().toString());
    props.put("listener.name.secure.ssl.keystore.password", storePassword);
    props.put("listener.name.secure.ssl.keystore.type", STORE_TYPE);
    props.put("listener.name.secure.ssl.key.password", storePassword);
    props.put("listener.name.secure.ssl.truststore.location", truststore().toString());
    props.put("listener.name.secure.ssl.truststore.password", storePassword);
    props.put("listener.name.secure.ssl.truststore.type", STORE_TYPE);
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    props.put("super.users", "User:" + BROKER + ";User:" + ADMIN);
    props.put("allow.everyone.if.no.acl.found", "false");
  }

  /** The storage format's arguments that create the super users' SCRAM credentials. */
  List<String> formatArguments() {
    return List.of("--add-scram", MECHANISM + "=[name=" + BROKER + ",password=" + password(BROKER) + "]",
        "--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + password(ADMIN) + "]");
  }

  /** The client properties of {@code user}: SASL_SSL, SCRAM-SHA-512, the truststore. */
  public Map<String, String> clientProperties(String user) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", MECHANISM);
    props.put("sasl.jaas.config", scramJaas(user, password(user)));
    props.put("ssl.truststore.location", truststore().toString());
    props.put("ssl.truststore.type", STORE_TYPE);
    props.put("ssl.truststore.password", storePassword);
    return props;
  }

  /** Writes {@code user}'s client properties file (as Kafka's tools take with --command-config) to {@code file}. */
  public Path writeClientConfig(String user, Path file) {
    Properties props = new Properties();
    props.putAll(clientProperties(user));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, "Kafka client properties of SCRAM user " + user);
      }
    } catch (IOException e) {
      throw new TestkitException("cannot write " + file, e);
    }
    return file;
  }

  /** Makes a SCRAM-SHA-512 user with a new random password (through {@code admin}, a super user's client). */
  public void addUser(Admin admin, String user) {
    String password;
    synchronized (this) {
      password = passwords.computeIfAbsent(user, u -> secret());
    }
    try {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new TestkitException("cannot make SCRAM user " + user + ": " + e.getMessage(), e);
    }
  }

  private static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
        + password + "\";";
  }

  private static String secret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return "pw" + HexFormat.of().formatHex(bytes);
  }
}
