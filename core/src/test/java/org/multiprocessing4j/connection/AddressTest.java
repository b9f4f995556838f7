package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.internal.pickle.Codec;

/** {@link Address}, {@link TcpAddress}, {@link UnixAddress}: parsing, printing, serializing. */
class AddressTest {

  @Test
  void hostAndPortParseToATcpAddress() {
    assertThat(Address.parse("localhost:6000")).isEqualTo(new TcpAddress("localhost", 6000));
    assertThat(Address.parse("127.0.0.1:0")).isEqualTo(new TcpAddress("127.0.0.1", 0));
    assertThat(Address.parse(":5000")).isEqualTo(new TcpAddress("", 5000));
  }

  @Test
  void anIpv6HostIsWrittenInBrackets() {
    assertThat(Address.parse("[::1]:6000")).isEqualTo(new TcpAddress("::1", 6000));
    assertThat(new TcpAddress("::1", 6000)).hasToString("[::1]:6000");
    assertThatThrownBy(() -> Address.parse("::1:6000")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[::1]:6000");
  }

  @Test
  void textWithASlashIsAUnixSocketPath() {
    assertThat(Address.parse("/tmp/listener-x")).isEqualTo(new UnixAddress(Path.of("/tmp/listener-x")));
    assertThat(Address.parse("./sock")).isEqualTo(new UnixAddress(Path.of("./sock")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:6000", "[::1]:80", "/tmp/a b/listener", "10.0.0.1:65535"})
  void toStringIsTheFormParseReads(String text) {
    assertThat(Address.parse(text)).hasToString(text);
    assertThat(Address.parse(Address.parse(text).toString())).isEqualTo(Address.parse(text));
  }

  @Test
  void windowsNamedPipesAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> Address.parse("\\\\.\\pipe\\my-pipe")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Windows named pipe").hasMessageContaining("AF_PIPE");
  }

  @Test
  void textThatIsNeitherFormIsRefusedWithTheFormats() {
    assertThatThrownBy(() -> Address.parse("listener")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("localhost:6000").hasMessageContaining("./listener");
    assertThatThrownBy(() -> Address.parse("host:http")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'http' is not a number");
    assertThatThrownBy(() -> Address.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Address.parse("host:70000")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..65535");
  }

  @Test
  void portsOutsideTheTcpRangeAreRefused() {
    assertThatThrownBy(() -> new TcpAddress("h", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TcpAddress("h", 65_536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TcpAddress(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void abstractUnixSocketNamesAreRefused() {
    assertThatThrownBy(() -> Address.parse("\0something")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("abstract");
  }

  @Test
  void addressesSurviveSerialization() {
    Address tcp = new TcpAddress("localhost", 6000);
    Address unix = new UnixAddress(Path.of("/tmp/listener-x"));
    assertThat(Codec.decode(Codec.encode(tcp, "an address"))).isEqualTo(tcp);
    assertThat(Codec.decode(Codec.encode(unix, "an address"))).isEqualTo(unix);
  }
}
