package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.CharArray;
import org.multiprocessing4j.sharedctypes.SharedCTypes;

/** {@link CharArray}: ctypes' {@code c_char} arrays with {@code value} and {@code raw}. */
class CharArrayTest {

  @Test
  void valueStopsAtTheFirstNulAndRawShowsEverything() {
    try (CharArray s = SharedCTypes.charArray(8)) {
      assertThat(s.value()).isEmpty();
      assertThat(s.raw()).containsExactly(new byte[8]);
      s.setValue("hello");
      assertThat(s.value()).isEqualTo("hello");
      assertThat(s.raw()).containsExactly('h', 'e', 'l', 'l', 'o', 0, 0, 0);
      s.setValue("hi"); // writes "hi" and one NUL, leaves the rest as it was
      assertThat(s.value()).isEqualTo("hi");
      assertThat(s.raw()).containsExactly('h', 'i', 0, 'l', 'o', 0, 0, 0);
      s.setValue("12345678"); // exactly full: no NUL
      assertThat(s.value()).isEqualTo("12345678");
      s.setRaw("ab".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(s.value()).isEqualTo("ab345678");
      assertThat(s.get(0)).isEqualTo((byte) 'a');
    }
  }

  @Test
  void tooLongOrNonLatin1StringsAreRefused() {
    try (CharArray s = SharedCTypes.rawCharArray("abc")) {
      assertThat(s.length()).isEqualTo(3);
      assertThat(s.value()).isEqualTo("abc");
      assertThatThrownBy(() -> s.setValue("abcd")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("byte string too long: 4 bytes for c_char_Array_3 (Python: ValueError)");
      assertThatThrownBy(() -> s.setRaw(new byte[4])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("byte string too long");
      assertThatThrownBy(() -> s.setValue("€")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("U+20AC").hasMessageContaining("ISO-8859-1");
      assertThat(s.value()).isEqualTo("abc");
      s.setValue("é");
      assertThat(s.value()).isEqualTo("é");
    }
  }

  @Test
  void anArrayOfCCharIsACharArrayWhateverTheFactory() {
    try (Array<Byte> a = Multiprocessing.array(CType.C_CHAR, List.of((byte) 'o', (byte) 'k'));
         Array<Byte> b = Multiprocessing.getContext("warm").array(CType.C_CHAR, 4, false)) {
      assertThat(a).isInstanceOf(CharArray.class);
      assertThat(((CharArray) a).value()).isEqualTo("ok");
      assertThat(a).hasToString("<SynchronizedString wrapper for c_char_Array_2(value=\"ok\")>");
      assertThat(b).isInstanceOf(CharArray.class).hasToString("c_char_Array_4(value=\"\")");
      assertThat(((CharArray) a).getObj()).isInstanceOf(CharArray.class);
    }
  }

  @Test
  void aChildDoublesTheString() {
    try (CharArray s = SharedCTypes.charArray(20)) {
      s.setValue("hello");
      joinAll(start(() -> s.setValue(s.value().repeat(2)))); // string.value *= 2
      assertThat(s.value()).isEqualTo("hellohello");
    }
  }
}
