package io.ddlcast.common.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Ed25519 keys from PEM files as OpenSSL writes them, with the JDK only: a private key as PKCS#8
 * ({@code openssl genpkey -algorithm ed25519 -out signing.key}, {@code -----BEGIN PRIVATE KEY-----}) and a public key
 * as SubjectPublicKeyInfo ({@code openssl pkey -in signing.key -pubout -out signing.pub},
 * {@code -----BEGIN PUBLIC KEY-----}).
 *
 * <p>A private key file that its group may write or that others may read or write is refused, as ssh and
 * PostgreSQL's {@code ssl_key_file} refuse one: whoever reads it can sign statements every standby runs. Modes 0600,
 * 0400, 0640 and 0440 are accepted. Each refusal says what is wrong and how to fix it.
 */
public final class KeyFiles {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";
  private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private KeyFiles() {}

  /** The Ed25519 private key in {@code file} (PKCS#8 PEM), refused if the file is open to others. */
  public static PrivateKey privateKey(Path file) {
    byte[] der = pem(file, PRIVATE);
    checkPermissions(file);
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new KeyFileException(file + " is a private key but not an Ed25519 one (" + otherAlgorithm(der, true)
          + "); make one with: openssl genpkey -algorithm ed25519 -out " + file, e);
    }
  }

  /** The Ed25519 public key in {@code file} (SubjectPublicKeyInfo PEM). */
  public static PublicKey publicKey(Path file) {
    byte[] der = pem(file, PUBLIC);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new KeyFileException(file + " is a public key but not an Ed25519 one (" + otherAlgorithm(der, false)
          + "); ddlcast signs with Ed25519 only", e);
    }
  }

  /** The public keys in {@code files}, in order. */
  public static List<PublicKey> publicKeys(List<Path> files) {
    return files.stream().map(KeyFiles::publicKey).toList();
  }

  private static byte[] pem(Path file, String wanted) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new KeyFileException("no such file: " + file);
    } catch (IOException e) {
      throw new KeyFileException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new KeyFileException(file + " is not a PEM file (no -----BEGIN ...----- block)");
    }
    String type = m.group(1);
    if (!type.equals(wanted)) {
      throw new KeyFileException(file + " holds a PEM " + type + " where a " + wanted + " is needed"
          + hint(type, wanted));
    }
    String body = m.group(2);
    if (m.find()) {
      throw new KeyFileException(file + " holds more than one PEM block; give one key per file");
    }
    try {
      return Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(file + ": the PEM block is not valid base64", e);
    }
  }

  private static String hint(String type, String wanted) {
    if (type.equals(PRIVATE) && wanted.equals(PUBLIC)) {
      return ": this is a private key; give its public half (openssl pkey -in KEY -pubout) and keep the private "
          + "key on the signing host only";
    }
    if (type.equals(PUBLIC) && wanted.equals(PRIVATE)) {
      return ": this is a public key; signing needs the private key (openssl genpkey -algorithm ed25519)";
    }
    if (type.equals("ENCRYPTED PRIVATE KEY")) {
      return ": encrypted keys are not read; protect the file by its permissions (chmod 600) instead";
    }
    return ": ddlcast reads Ed25519 keys as openssl writes them (openssl genpkey -algorithm ed25519; "
        + "openssl pkey -pubout)";
  }

  /** Names the algorithm of a key that is not Ed25519, for the message. */
  private static String otherAlgorithm(byte[] der, boolean privateKey) {
    for (String algorithm : List.of("RSA", "EC", "Ed448", "X25519", "DSA")) {
      try {
        KeyFactory factory = KeyFactory.getInstance(algorithm);
        if (privateKey) {
          factory.generatePrivate(new PKCS8EncodedKeySpec(der));
        } else {
          factory.generatePublic(new X509EncodedKeySpec(der));
        }
        return "it is " + algorithm;
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this one either
      }
    }
    return "its algorithm is not one the JDK reads";
  }

  private static void checkPermissions(Path file) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      throw new KeyFileException("no such file: " + file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new KeyFileException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(permissions);
    open.retainAll(TOO_OPEN);
    if (!open.isEmpty()) {
      throw new KeyFileException("the private key " + file + " is open to others (" + open
          + "): whoever reads it can sign statements every standby runs; run: chmod 600 " + file);
    }
  }
}
