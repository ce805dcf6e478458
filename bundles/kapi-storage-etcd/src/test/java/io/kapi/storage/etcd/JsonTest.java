package io.kapi.storage.etcd;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesWhatEtcdsGatewayWrites() {
        Map<String, Object> m = Json.parseObject("{\"header\":{\"revision\":\"42\"},\"kvs\":[{\"key\":\"Zm9v\","
                + "\"version\":\"1\"}],\"count\":\"1\",\"more\":true,\"code\":11,\"x\":null,\"d\":-1.5e2}");
        assertEquals(42, Json.lng(Json.obj(m, "header"), "revision"));
        assertEquals(1, Json.objects(m, "kvs").size());
        assertTrue(Json.bool(m, "more"));
        assertEquals(11, Json.lng(m, "code"));
        assertEquals(-150.0, m.get("d"));
        assertEquals(0, Json.lng(m, "absent"));
        assertTrue(Json.obj(m, "absent").isEmpty());
    }

    @Test
    void roundTripsStringsWithEscapes() {
        String s = "a\"b\\c\n\u0001\u00e9/";
        Map<String, Object> in = EtcdStorage.obj("s", s, "n", 5L, "l", List.of(true, false), "o", Map.of());
        assertEquals(in, Json.parseObject(Json.write(in)));
        assertEquals("\u00e9", Json.parse("\"\\u00e9\""));
    }

    @Test
    void rejectsBrokenInput() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[]"));
    }

    @Test
    void rangeEndIsEtcdsPrefixEnd() {
        assertEquals("/registry0", new String(EtcdStorage.rangeEnd("/registry/".getBytes())));
        assertEquals(List.of((byte) 'b'), toList(EtcdStorage.rangeEnd(new byte[] {'a', (byte) 0xff})));
        assertEquals(List.of((byte) 0), toList(EtcdStorage.rangeEnd(new byte[0])));
    }

    private static List<Byte> toList(byte[] b) {
        Byte[] out = new Byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i];
        }
        return List.of(out);
    }
}
