package org.multiprocessing4j.internal.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.connection.Connection;

/**
 * CPython's connection authentication ({@code deliver_challenge}/{@code answer_challenge} of
 * {@code multiprocessing.connection}), both the 3.12+ protocol and the legacy one of 3.11 and
 * older, so that either end may be CPython of any version 3.x.
 *
 * <pre>
 *   delivering side                                   answering side
 *   ---------------                                   --------------
 *   "#CHALLENGE#" + "{sha256}" + 40 random bytes  --&gt;
 *                                                 &lt;--  "{sha256}" + HMAC-SHA256(key, "{sha256}"+random)
 *                                                      (legacy 3.11 peer: raw 16-byte HMAC-MD5 of the same)
 *   "#WELCOME#" or "#FAILURE#"                    --&gt;
 * </pre>
 *
 * <p>How the versions are told apart (CPython 3.12's own rule, {@code _get_digest_name_and_payload}):
 * a challenge (after {@code #CHALLENGE#}) or a reply of exactly 20 or 16 bytes is legacy and means
 * raw HMAC-MD5 with no prefix; anything else must start with {@code {name}}, one of md5, sha256,
 * sha384, sha3_256, sha3_384. A legacy 3.11 peer answering our 48-byte challenge replies with 16
 * raw MD5 bytes over the whole of it, which the delivering side accepts; a legacy 3.11 listener's
 * 20-byte challenge is answered with raw HMAC-MD5. The MAC covers the {@code {name}} prefix, so an
 * attacker cannot downgrade a prefixed challenge. Every reply is read with a 256-byte limit, and
 * nothing is decoded as an object.
 */
public final class Handshake {
  /** The first bytes of a challenge message. */
  public static final byte[] CHALLENGE = ascii("#CHALLENGE#");
  /** The delivering side's answer to a correct digest. */
  public static final byte[] WELCOME = ascii("#WELCOME#");
  /** The delivering side's answer to a wrong digest. */
  public static final byte[] FAILURE = ascii("#FAILURE#");
  /** Random bytes in a modern challenge (CPython 3.12's {@code MESSAGE_LENGTH}, must be &gt; 20). */
  public static final int RANDOM_BYTES = 40;
  /** Length of a legacy (3.11 and older) challenge: 20 random bytes, no prefix. */
  public static final int LEGACY_CHALLENGE_BYTES = 20;
  /** Length of a legacy reply: a raw HMAC-MD5. */
  public static final int LEGACY_DIGEST_BYTES = 16;
  /** Longest handshake message either side reads (CPython: {@code recv_bytes(256)}). */
  public static final int MAX_HANDSHAKE_MESSAGE = 256;
  /** The digest this side asks for (CPython 3.12's default). */
  public static final String DEFAULT_DIGEST = "sha256";

  /** CPython's digest names ({@code _ALLOWED_DIGESTS}) and their JCA HMAC algorithms. */
  private static final Map<String, String> HMAC_ALGORITHMS = Map.of(
      "md5", "HmacMD5",
      "sha256", "HmacSHA256",
      "sha384", "HmacSHA384",
      "sha3_256", "HmacSHA3-256",
      "sha3_384", "HmacSHA3-384");
  /** Longest digest name, bounding the search for the closing brace as CPython does. */
  private static final int MAX_DIGEST_NAME = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handshake() {}

  /**
   * The delivering side: sends a challenge, checks the reply, and answers WELCOME or FAILURE.
   *
   * @throws AuthenticationException when the reply is not the digest of the challenge under
   *     {@code authkey} (after FAILURE was sent), or is not a digest at all
   * @throws ConnectionClosedException when the peer goes away during the handshake
   */
  public static void deliverChallenge(Connection connection, byte[] authkey) {
    checkKey(authkey);
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    byte[] message = concat(ascii("{" + DEFAULT_DIGEST + "}"), random);
    connection.sendBytes(concat(CHALLENGE, message));
    byte[] response = receive(connection, "a digest answering our challenge");
    try {
      verify(authkey, message, response);
    } catch (AuthenticationException e) {
      connection.sendBytes(FAILURE);
      throw e;
    }
    connection.sendBytes(WELCOME);
  }

  /**
   * The answering side: receives a challenge, replies with its digest, and expects WELCOME.
   *
   * @throws AuthenticationException when the first message is not a challenge, names an unknown
   *     digest, or the peer rejects the reply
   * @throws ConnectionClosedException when the peer goes away during the handshake
   */
  public static void answerChallenge(Connection connection, byte[] authkey) {
    checkKey(authkey);
    byte[] message = receive(connection, "a challenge");
    if (!startsWith(message, CHALLENGE)) {
      throw new AuthenticationException("protocol error, expected a challenge (#CHALLENGE#...) but got "
          + describe(message) + ": is the peer a multiprocessing Listener with an authkey?");
    }
    message = Arrays.copyOfRange(message, CHALLENGE.length, message.length);
    if (message.length < LEGACY_CHALLENGE_BYTES) {
      throw new AuthenticationException("challenge too short: " + message.length + " bytes (at least "
          + LEGACY_CHALLENGE_BYTES + " expected)");
    }
    connection.sendBytes(createResponse(authkey, message));
    byte[] verdict = receive(connection, "the verdict on our digest");
    if (!Arrays.equals(verdict, WELCOME)) {
      throw new AuthenticationException("digest sent was rejected: the peer uses a different authkey"
          + (Arrays.equals(verdict, FAILURE) ? "" : " (it answered " + describe(verdict) + ")"));
    }
  }

  /**
   * The reply to a challenge {@code message} (without {@code #CHALLENGE#}): raw HMAC-MD5 for a
   * legacy 20-byte challenge, else {@code {name}} + HMAC-name over the whole message (CPython's
   * {@code _create_response}).
   */
  public static byte[] createResponse(byte[] authkey, byte[] message) {
    String digest = digestName(message);
    if (digest.isEmpty()) {
      return hmac(authkey, message, "md5");
    }
    return concat(ascii("{" + digest + "}"), hmac(authkey, message, digest));
  }

  /**
   * Checks a reply against the challenge {@code message} we sent (CPython's
   * {@code _verify_challenge}): a 16-byte reply is legacy HMAC-MD5, else the reply names its
   * digest. Constant-time comparison.
   *
   * @throws AuthenticationException when the reply does not match
   */
  public static void verify(byte[] authkey, byte[] message, byte[] response) {
    String digest = digestName(response);
    byte[] mac = digest.isEmpty() ? response : Arrays.copyOfRange(response, digest.length() + 2, response.length);
    byte[] expected = hmac(authkey, message, digest.isEmpty() ? "md5" : digest);
    if (expected.length != mac.length) {
      throw new AuthenticationException("expected a " + (digest.isEmpty() ? "md5" : digest) + " digest of "
          + expected.length + " bytes, got " + mac.length);
    }
    if (!MessageDigest.isEqual(expected, mac)) {
      throw new AuthenticationException("digest received was wrong: the peer uses a different authkey");
    }
  }

  /**
   * The digest a challenge or reply names: "" for the legacy lengths (20 or 16 bytes), else the
   * name in its {@code {name}} prefix (CPython's {@code _get_digest_name_and_payload}).
   *
   * @throws AuthenticationException when there is no known prefix
   */
  static String digestName(byte[] message) {
    if (message.length == LEGACY_CHALLENGE_BYTES || message.length == LEGACY_DIGEST_BYTES) {
      return "";
    }
    if (message.length > 0 && message[0] == '{') {
      int end = Math.min(message.length, MAX_DIGEST_NAME + 2);
      for (int i = 1; i < end; i++) {
        if (message[i] == '}') {
          String name = new String(message, 1, i - 1, StandardCharsets.US_ASCII);
          if (HMAC_ALGORITHMS.containsKey(name)) {
            return name;
          }
          break;
        }
      }
    }
    throw new AuthenticationException("unsupported message length, missing digest prefix, or unsupported"
        + " digest: " + describe(message));
  }

  private static byte[] hmac(byte[] authkey, byte[] message, String digest) {
    String algorithm = HMAC_ALGORITHMS.get(digest);
    try {
      var mac = Mac.getInstance(algorithm);
      // HMAC pads a short key with zero bytes to the block size, so the empty key (which
      // SecretKeySpec refuses) and the one-byte key {0} are the same key.
      byte[] key = authkey.length == 0 ? new byte[1] : authkey;
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(message);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new AuthenticationException("digest " + digest + " (" + algorithm + ") is not available in this JVM", e);
    }
  }

  /** Receives one handshake message, turning an over-long one into an authentication failure. */
  private static byte[] receive(Connection connection, String what) {
    try {
      return connection.recvBytes(MAX_HANDSHAKE_MESSAGE);
    } catch (ConnectionClosedException | ProcessInterruptedException | AuthenticationException e) {
      throw e;
    } catch (ProcessException e) {
      throw new AuthenticationException("authentication failed: expected " + what + " of at most "
          + MAX_HANDSHAKE_MESSAGE + " bytes, the peer sent something else (" + e.getMessage() + ")", e);
    }
  }

  private static void checkKey(byte[] authkey) {
    if (authkey == null) {
      throw new IllegalArgumentException("an authkey must not be null; pass the shared secret as bytes"
          + " (Multiprocessing.currentProcess().getAuthkey() is the one processes inherit)");
    }
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A short printable form of a received message for error messages, as Python's bytes repr would. */
  private static String describe(byte[] message) {
    int shown = Math.min(message.length, 32);
    var sb = new StringBuilder().append(message.length).append(" bytes ");
    boolean printable = true;
    for (int i = 0; i < shown; i++) {
      printable &= message[i] >= 0x20 && message[i] < 0x7f;
    }
    if (printable) {
      sb.append('"').append(new String(message, 0, shown, StandardCharsets.US_ASCII)).append('"');
    } else {
      sb.append("0x").append(HexFormat.of().formatHex(message, 0, shown));
    }
    return sb.append(shown < message.length ? "..." : "").toString();
  }
}
