package org.multiprocessing4j.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multiprocessing4j.AuthenticationException;

/**
 * The HMAC handshake against known answers computed with CPython 3.13's
 * {@code multiprocessing.connection._create_response} (key {@code b'supadupasecretkey'}, the key of
 * CPython's own ChallengeResponseTest), and against scripted peers.
 */
class WireHandshakeTest {
  private static final byte[] KEY = bytes("supadupasecretkey");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @ParameterizedTest
  @CsvSource({
      "is-twenty-bytes-long, f08c5aa7ef61fc426b5b135fd8a223ae",
      "{md5}is-twenty-bytes-long, 7b6d64357d2b30be753d06dcff0a1db3c97c96e7eb",
      "{sha256}is-twenty-bytes-long, 7b7368613235367d0ed2bf5258efb96604b831848a9212d31f7468b3fc6fc61af1ebe84f08349e47",
      "{sha384}is-twenty-bytes-long, 7b7368613338347d6e1f8271304a4881208ccb08e87056add2ffad158e27907b7be42cc522d1a72702ceb7c5aa4ad6f504146d7d5d988f53",
      "{sha3_256}is-twenty-bytes-long, 7b736861335f3235367dea3b8daca21f2fd35aff21a61dec99d454a95c90d61c86ef8729852ba59c5ded",
      "{sha3_384}is-twenty-bytes-long, 7b736861335f3338347d2a30bd714bec3961f46fa88b0c3dfa7352f1231125f2461af11d5e16af11095586c2ce42134b519d4cd47497f02656e8",
  })
  void responsesMatchCPythons(String challenge, String expectedHex) {
    byte[] response = Handshake.createResponse(KEY, bytes(challenge));
    assertThat(HexFormat.of().formatHex(response)).isEqualTo(expectedHex);
    Handshake.verify(KEY, bytes(challenge), response);
  }

  @Test
  void anEmptyKeyIsAKeyAsInCPython() {
    // bpo-43952: b'' is allowed; the JCA refuses empty keys, HMAC's zero padding makes {0} the same key
    assertThat(HexFormat.of().formatHex(Handshake.createResponse(new byte[0], bytes("{sha256}is-twenty-bytes-long"))))
        .isEqualTo("7b7368613235367d746b6b510e52001fc5499480a5866dff11db2044887752ef87e48dae4de52b97");
  }

  @Test
  void aLegacyClientsRawMd5ReplyToAModernChallengeIsAccepted() throws Exception {
    // CPython 3.11's answer_challenge: hmac.new(key, whole_message, 'md5').digest(), 16 bytes
    byte[] challenge = bytes("{sha256}0123456789012345678901234567890123456789");
    var md5 = Mac.getInstance("HmacMD5");
    md5.init(new SecretKeySpec(KEY, "HmacMD5"));
    Handshake.verify(KEY, challenge, md5.doFinal(challenge));
  }

  @Test
  void wrongDigestsAreRejected() {
    byte[] challenge = bytes("{sha256}0123456789012345678901234567890123456789");
    byte[] right = Handshake.createResponse(KEY, challenge);
    byte[] wrongKey = Handshake.createResponse(bytes("other"), challenge);
    assertThatThrownBy(() -> Handshake.verify(KEY, challenge, wrongKey)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("digest received was wrong");
    byte[] truncated = Arrays.copyOf(right, right.length - 1);
    assertThatThrownBy(() -> Handshake.verify(KEY, challenge, truncated)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("expected a sha256 digest of 32 bytes, got 31");
    assertThatThrownBy(() -> Handshake.verify(KEY, challenge, bytes("{sha1}0123456789012345678901234")))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("unsupported");
    assertThatThrownBy(() -> Handshake.verify(KEY, challenge, bytes("something bogus")))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void deliverChallengeSendsASha256ChallengeOfFortyRandomBytesAndWelcomesTheRightDigest() {
    var peer = new ScriptedConnection() {
      @Override
      public byte[] recvBytes(int maxLength) {
        byte[] challenge = sent.getFirst();
        return Handshake.createResponse(KEY, Arrays.copyOfRange(challenge, Handshake.CHALLENGE.length, challenge.length));
      }
    };
    Handshake.deliverChallenge(peer, KEY);
    byte[] challenge = peer.sent.get(0);
    assertThat(new String(challenge, 0, 19, StandardCharsets.US_ASCII)).isEqualTo("#CHALLENGE#{sha256}");
    assertThat(challenge).hasSize(11 + 8 + Handshake.RANDOM_BYTES);
    assertThat(peer.sent.get(1)).isEqualTo(Handshake.WELCOME);
  }

  @Test
  void deliverChallengeAnswersFailureAndThrowsOnABogusReply() {
    // CPython's OtherTest.test_deliver_challenge_auth_failure
    var peer = new ScriptedConnection(bytes("something bogus"));
    assertThatThrownBy(() -> Handshake.deliverChallenge(peer, bytes("abc"))).isInstanceOf(AuthenticationException.class);
    assertThat(peer.sent).hasSize(2);
    assertThat(peer.sent.get(1)).isEqualTo(Handshake.FAILURE);
  }

  @Test
  void answerChallengeRepliesToALegacyChallengeWithRawMd5AndAcceptsWelcome() {
    byte[] legacy = bytes("01234567890123456789");
    var peer = new ScriptedConnection(concat(Handshake.CHALLENGE, legacy), Handshake.WELCOME);
    Handshake.answerChallenge(peer, KEY);
    assertThat(peer.sent).hasSize(1);
    assertThat(peer.sent.get(0)).hasSize(16).isEqualTo(Handshake.createResponse(KEY, legacy));
  }

  @Test
  void answerChallengeThrowsWhenTheDigestIsRejected() {
    // CPython's OtherTest.test_answer_challenge_auth_failure, with a challenge long enough to answer
    var peer = new ScriptedConnection(concat(Handshake.CHALLENGE, bytes("{sha256}0123456789012345678901234567890123456789")),
        Handshake.FAILURE);
    assertThatThrownBy(() -> Handshake.answerChallenge(peer, KEY)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("digest sent was rejected");
  }

  @Test
  void answerChallengeRefusesSomethingThatIsNotAChallenge() {
    assertThatThrownBy(() -> Handshake.answerChallenge(new ScriptedConnection(bytes("hello")), KEY))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("expected a challenge");
    assertThatThrownBy(() -> Handshake.answerChallenge(new ScriptedConnection(Handshake.CHALLENGE), KEY))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("challenge too short");
    assertThatThrownBy(() -> Handshake.answerChallenge(
        new ScriptedConnection(concat(Handshake.CHALLENGE, bytes("{whirlpool}01234567890123456789"))), KEY))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("unsupported");
  }

  @Test
  void aNullKeyIsRefused() {
    assertThatThrownBy(() -> Handshake.answerChallenge(new ScriptedConnection(), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authkey must not be null");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
