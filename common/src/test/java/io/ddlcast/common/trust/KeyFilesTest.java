package io.ddlcast.common.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir
  Path dir;

  /** Runs openssl (as the operator would) and returns what it printed. */
  static String openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl %s: %s", args, out).isZero();
    return out;
  }

  /** An Ed25519 key pair made by openssl: signing.key (chmod 600) and signing.pub. */
  static Path[] opensslPair(Path dir, String name) throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path pub = dir.resolve(name + ".pub");
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", key.toString());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    openssl(dir, "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
    return new Path[] {key, pub};
  }

  static Path writePem(Path file, String type, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void opensslKeysAreReadAndTheirIdsAgreeWithOpensslsOwnDigest() throws Exception {
    Path[] pair = opensslPair(dir, "signing");

    SigningKey signing = SigningKey.load(pair[0]);
    TrustedKeys trusted = TrustedKeys.load(List.of(pair[1]));

    assertThat(trusted.describe()).isEqualTo(signing.id().hex());
    assertThat(KeyId.of(KeyFiles.publicKey(pair[1]))).isEqualTo(signing.id());
    Path der = dir.resolve("signing.der");
    openssl(dir, "pkey", "-pubin", "-in", pair[1].toString(), "-outform", "DER", "-out", der.toString());
    String sha = openssl(dir, "dgst", "-sha256", "-r", der.toString());
    assertThat(sha).startsWith(signing.id().hex());
    byte[] value = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(trusted.verify("t", "k", value, headers(signing, "t", "k", value)).accepted()).isTrue();
  }

  @Test
  void aSignatureMadeByOpensslVerifies() throws Exception {
    Path[] pair = opensslPair(dir, "op");
    Path data = Files.write(dir.resolve("data"), SignedBytes.of("t", "k", new byte[] {1, 2, 3}));
    Path sig = dir.resolve("data.sig");
    openssl(dir, "pkeyutl", "-sign", "-inkey", pair[0].toString(), "-rawin", "-in", data.toString(), "-out",
        sig.toString());

    RecordHeaders headers = new RecordHeaders();
    headers.add(SignedBytes.SIGNATURE_HEADER, Files.readAllBytes(sig));
    headers.add(SignedBytes.KEY_HEADER, SigningKey.load(pair[0]).id().hex().getBytes(StandardCharsets.US_ASCII));
    assertThat(TrustedKeys.load(List.of(pair[1])).verify("t", "k", new byte[] {1, 2, 3}, headers).accepted())
        .isTrue();
  }

  @Test
  void javaMadeKeysRoundTripThroughPem() throws Exception {
    KeyPair pair = SigningKey.generate();
    Path key = writePem(dir.resolve("j.key"), "PRIVATE KEY", pair.getPrivate().getEncoded());
    Path pub = writePem(dir.resolve("j.pub"), "PUBLIC KEY", pair.getPublic().getEncoded());

    assertThat(SigningKey.load(key).id()).isEqualTo(KeyId.of(pair.getPublic()));
    assertThat(KeyId.of(KeyFiles.publicKey(pub))).isEqualTo(KeyId.of(pair.getPublic()));
  }

  @Test
  void eachUnusableFileIsRefusedWithWhy() throws Exception {
    Path[] pair = opensslPair(dir, "s");
    assertThatThrownBy(() -> KeyFiles.privateKey(dir.resolve("missing.key")))
        .isInstanceOf(KeyFileException.class).hasMessageStartingWith("no such file: ");
    assertThatThrownBy(() -> KeyFiles.publicKey(dir.resolve("missing.pub")))
        .isInstanceOf(KeyFileException.class).hasMessageStartingWith("no such file: ");
    assertThatThrownBy(() -> KeyFiles.publicKey(pair[0]))
        .hasMessageContaining("holds a PEM PRIVATE KEY where a PUBLIC KEY is needed: this is a private key");
    Files.setPosixFilePermissions(pair[1], PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyFiles.privateKey(pair[1])).as("a public file (0644) named as the private key")
        .hasMessageContaining("holds a PEM PUBLIC KEY where a PRIVATE KEY is needed: this is a public key");
    Path text = Files.writeString(dir.resolve("text.pub"), "ssh-ed25519 AAAA...");
    assertThatThrownBy(() -> KeyFiles.publicKey(text)).hasMessageContaining("is not a PEM file");

    Path rsa = dir.resolve("rsa.key");
    openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa.toString());
    Files.setPosixFilePermissions(rsa, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> KeyFiles.privateKey(rsa))
        .hasMessageContaining("is a private key but not an Ed25519 one (it is RSA)");
    Path rsaPub = dir.resolve("rsa.pub");
    openssl(dir, "pkey", "-in", rsa.toString(), "-pubout", "-out", rsaPub.toString());
    assertThatThrownBy(() -> KeyFiles.publicKey(rsaPub))
        .hasMessageContaining("is a public key but not an Ed25519 one (it is RSA)");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    Path ecKey = writePem(dir.resolve("ec.key"), "PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded());
    assertThatThrownBy(() -> KeyFiles.privateKey(ecKey)).hasMessageContaining("(it is EC)");
  }

  @Test
  void aPrivateKeyOthersCanReadIsRefused() throws Exception {
    Path key = dir.resolve("open.key");
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", key.toString());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> KeyFiles.privateKey(key))
        .hasMessageContaining("is open to others ([OTHERS_READ])").hasMessageEndingWith("run: chmod 600 " + key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));
    assertThatThrownBy(() -> KeyFiles.privateKey(key)).hasMessageContaining("GROUP_WRITE");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    assertThat(SigningKey.load(key).id()).isNotNull();
  }

  private static Headers headers(SigningKey key, String topic, String k, byte[] value) {
    return key.sign(new ProducerRecord<>(topic, k, value)).headers();
  }
}
