package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.sharedctypes.CType;

/** {@link CType}: the typecodes of Python's {@code sharedctypes}, and records as C structs. */
class CTypeTest {
  record Point(double x, double y) {}

  record Padded(byte a, double b, short c) {}

  record Mixed(boolean flag, char letter, int count, float ratio, long big, byte tiny) {}

  record Empty() {}

  record WithString(int id, String name) {}

  record Nested(Point p, int n) {}

  @Test
  void typecodesGiveTheTypesOfPythonsTable() {
    Map<Character, CType<?>> expected = Map.ofEntries(Map.entry('?', CType.C_BOOL), Map.entry('c', CType.C_CHAR),
        Map.entry('u', CType.C_WCHAR), Map.entry('b', CType.C_BYTE), Map.entry('B', CType.C_UBYTE),
        Map.entry('h', CType.C_SHORT), Map.entry('H', CType.C_USHORT), Map.entry('i', CType.C_INT),
        Map.entry('I', CType.C_UINT), Map.entry('l', CType.C_LONG), Map.entry('L', CType.C_ULONG),
        Map.entry('q', CType.C_LONGLONG), Map.entry('Q', CType.C_ULONGLONG), Map.entry('f', CType.C_FLOAT),
        Map.entry('d', CType.C_DOUBLE));
    expected.forEach((code, type) -> {
      assertThat(CType.<Object>of(code)).as("typecode %s", code).isSameAs(type);
      assertThat(type.typecode()).isEqualTo(code);
    });
  }

  @Test
  void sizesAreThoseOfLp64AndUnsignedTypesWiden() {
    assertThat(List.of(CType.C_BOOL, CType.C_CHAR, CType.C_WCHAR, CType.C_BYTE, CType.C_UBYTE, CType.C_SHORT,
        CType.C_USHORT, CType.C_INT, CType.C_UINT, CType.C_LONG, CType.C_ULONG, CType.C_LONGLONG, CType.C_ULONGLONG,
        CType.C_FLOAT, CType.C_DOUBLE).stream().map(t -> t.name() + ":" + t.size() + ":" + t.javaType().getSimpleName()))
        .containsExactly("c_bool:1:Boolean", "c_char:1:Byte", "c_wchar:4:Character", "c_byte:1:Byte",
            "c_ubyte:1:Short", "c_short:2:Short", "c_ushort:2:Integer", "c_int:4:Integer", "c_uint:4:Long",
            "c_long:8:Long", "c_ulong:8:Long", "c_longlong:8:Long", "c_ulonglong:8:Long", "c_float:4:Float",
            "c_double:8:Double");
    assertThat(CType.C_INT.isInteger()).isTrue();
    assertThat(CType.C_ULONGLONG.isInteger()).isTrue();
    assertThat(CType.C_CHAR.isInteger()).as("c_char holds bytes, as in ctypes").isFalse();
    assertThat(CType.C_BOOL.isInteger()).isFalse();
    assertThat(CType.C_DOUBLE.isInteger()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(chars = {'x', 'T', 'z', ' ', '1'})
  void aBadTypecodeIsRefusedWithTheListOfGoodOnes(char code) {
    assertThatThrownBy(() -> CType.of(code)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad typecode '" + code + "'")
        .hasMessageContaining("must be one of b, B, h, H, i, I, l, L, q, Q, f, d, c, u, ?");
  }

  @Test
  void aStructHasCsNaturalAlignment() {
    CType<Point> point = CType.struct(Point.class);
    assertThat(point.size()).isEqualTo(16);
    assertThat(point.alignment()).isEqualTo(8);
    assertThat(point.typecode()).isEqualTo('T');
    assertThat(point.isStruct()).isTrue();
    assertThat(point.isInteger()).isFalse();
    assertThat(point.javaType()).isEqualTo(Point.class);
    assertThat(point).hasToString("Point{x: c_double @0, y: c_double @8}");

    CType<Padded> padded = CType.struct(Padded.class); // struct { char a; double b; short c; }
    assertThat(padded).hasToString("Padded{a: c_byte @0, b: c_double @8, c: c_short @16}");
    assertThat(padded.size()).as("padded to a multiple of 8").isEqualTo(24);

    CType<Mixed> mixed = CType.struct(Mixed.class);
    assertThat(mixed).hasToString("Mixed{flag: c_bool @0, letter: c_char16 @2, count: c_int @4, ratio: c_float @8,"
        + " big: c_longlong @16, tiny: c_byte @24}");
    assertThat(mixed.size()).isEqualTo(32);
    assertThat(mixed.alignment()).isEqualTo(8);
  }

  @Test
  void aStructIsCanonicalPerRecordClass() {
    assertThat(CType.struct(Point.class)).isSameAs(CType.struct(Point.class));
  }

  @Test
  void aStructOfNonPrimitivesIsRefusedNamingTheComponents() {
    assertThatThrownBy(() -> CType.struct(WithString.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("components must be primitives").hasMessageContaining("name is java.lang.String")
        .hasMessageNotContaining("id is");
    assertThatThrownBy(() -> CType.struct(Nested.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p is " + Point.class.getTypeName());
    assertThatThrownBy(() -> CType.struct(Empty.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no components");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aClassThatIsNotARecordIsRefused() {
    Class notARecord = String.class;
    assertThatThrownBy(() -> CType.struct(notARecord)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String is not a record");
    assertThatThrownBy(() -> CType.struct(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a record class");
  }

  @Test
  void typesStayCanonicalWhenSerialized() {
    for (CType<?> t : List.of(CType.C_INT, CType.C_CHAR, CType.C_ULONGLONG, CType.struct(Point.class))) {
      assertThat(Codec.decode(Codec.encode(t, "a type"))).isSameAs(t);
    }
  }
}
