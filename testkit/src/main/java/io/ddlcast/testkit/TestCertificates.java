package io.ddlcast.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A throwaway certificate authority and one server certificate signed by it, made with the JDK's {@code keytool}
 * (no OpenSSL, no test-only crypto library), so that tests can require TLS with full verification
 * ({@code sslmode=verify-full}, {@code ssl.endpoint.identification.algorithm=https}) instead of merely turning it on.
 *
 * <p>Files in {@link #directory()}: {@code ca.pem} (the root certificate clients trust), {@code truststore.p12}
 * (the same as a PKCS12 trust store), {@code server.p12} (the server's key and certificate chain, PKCS12),
 * {@code server.crt} and {@code server.key} (the same as PEM: the certificate, and the private key as PKCS#8, the
 * form PostgreSQL reads). The server certificate names {@code 127.0.0.1} and {@code localhost} (plus any further
 * names given) as subject alternative names, so host name verification passes for exactly those.
 */
public final class TestCertificates {
  private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final String STORE_TYPE = "PKCS12";

  private final Path directory;
  private final String storePassword;

  private TestCertificates(Path directory, String storePassword) {
    this.directory = directory;
    this.storePassword = storePassword;
  }

  /** Makes the CA and the server certificate in {@code directory} (created if missing). */
  public static TestCertificates create(Path directory, String... extraHostNames) {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    TestCertificates certs = new TestCertificates(directory.toAbsolutePath(), password);
    try {
      Files.createDirectories(certs.directory);
      certs.make(extraHostNames);
    } catch (IOException | GeneralSecurityException e) {
      throw new TestkitException("could not make test certificates in " + directory + ": " + e.getMessage(), e);
    }
    return certs;
  }

  private void make(String... extraHostNames) throws IOException, GeneralSecurityException {
    Path ca = directory.resolve("ca.p12");
    Path server = server12();
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
        "-dname", "CN=ddlcast test CA", "-ext", "bc:c", "-keystore", ca.toString());
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem().toString());
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem().toString(),
        "-keystore", truststore().toString());
    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
        "-dname", "CN=127.0.0.1", "-keystore", server.toString());
    Path request = directory.resolve("server.csr");
    keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", request.toString());
    StringBuilder san = new StringBuilder("SAN=ip:127.0.0.1,dns:localhost");
    for (String name : extraHostNames) {
      san.append(name.chars().allMatch(c -> Character.isDigit(c) || c == '.') ? ",ip:" : ",dns:").append(name);
    }
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
        "-outfile", serverCertificate().toString(), "-validity", "3", "-ext", san.toString(),
        "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=serverAuth");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem().toString(),
        "-keystore", server.toString());
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", serverCertificate().toString(),
        "-keystore", server.toString());
    writePrivateKeyPem(server);
  }

  private void writePrivateKeyPem(Path serverStore) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(STORE_TYPE);
    try (InputStream in = Files.newInputStream(serverStore)) {
      store.load(in, storePassword.toCharArray());
    }
    Key key = store.getKey("server", storePassword.toCharArray());
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    Files.writeString(serverKey(), "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
  }

  private void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", STORE_TYPE, "-storepass", storePassword));
    if (args[0].equals("-genkeypair")) {
      command.addAll(List.of("-keypass", storePassword));
    }
    Commands.runChecked(command, directory, Map.of(), KEYTOOL_TIMEOUT);
  }

  public Path directory() {
    return directory;
  }

  /** The root certificate (PEM) that clients trust. */
  public Path caPem() {
    return directory.resolve("ca.pem");
  }

  /** The root certificate as a PKCS12 trust store, whose password is {@link #storePassword()}. */
  public Path truststore() {
    return directory.resolve("truststore.p12");
  }

  /** The server's key and certificate chain as a PKCS12 key store, whose password is {@link #storePassword()}. */
  public Path server12() {
    return directory.resolve("server.p12");
  }

  /** The server certificate (PEM). */
  public Path serverCertificate() {
    return directory.resolve("server.crt");
  }

  /** The server's private key (PEM, unencrypted PKCS#8). */
  public Path serverKey() {
    return directory.resolve("server.key");
  }

  public String storePassword() {
    return storePassword;
  }
}
