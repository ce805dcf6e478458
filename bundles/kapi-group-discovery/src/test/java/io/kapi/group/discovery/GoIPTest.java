package io.kapi.group.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Go 1.16's {@code net.ParseIP}, kube's ParseIPSloppy, on the cases of Go's own ip_test.go. */
class GoIPTest {
    private static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b, (byte) c, (byte) d};
    }

    @Test
    void goParsesTheseAddresses() {
        assertArrayEquals(v4(127, 0, 1, 2), GoIP.parse("127.0.1.2"));
        assertArrayEquals(v4(127, 1, 2, 3), GoIP.parse("::ffff:127.1.2.3"));
        assertArrayEquals(v4(127, 1, 2, 3), GoIP.parse("::ffff:7f01:0203"));
        assertArrayEquals(v4(127, 1, 2, 3), GoIP.parse("0:0:0:0:0000:ffff:127.1.2.3"));
        assertArrayEquals(v4(127, 1, 2, 3), GoIP.parse("0:0:0:0:000000:ffff:127.1.2.3"));
        assertArrayEquals(v4(127, 1, 2, 3), GoIP.parse("127.001.002.003"), "sloppy: leading zeros, read as decimal");
        assertArrayEquals(v4(123, 0, 0, 1), GoIP.parse("0123.0.0.1"));
        byte[] v6 = {0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x68};
        assertArrayEquals(v6, GoIP.parse("2001:4860:0:2001::68"));
        assertArrayEquals(v6, GoIP.parse("2001:4860:0000:2001:0000:0000:0000:0068"));
        assertArrayEquals(new byte[16], GoIP.parse("::"));
        assertTrue(GoIP.isV4(GoIP.parse("::ffff:1.2.3.4")));
        assertFalse(GoIP.isV4(GoIP.parse("::1.2.3.4")));
    }

    @Test
    void goRefusesThese() {
        for (String bad : new String[] {"-0.0.0.0", "0.-1.0.0", "0.0.-2.0", "0.0.0.-3", "127.0.0.256", "abc", "123:", "fe80::1%lo0",
                "", "a1:a2:a3:a4::b1:b2:b3:b4", "1.2..4", "1.2.3", "1.2.3.4.5", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
                "::1.2.3.4.5", "12345::1", ":1::"}) {
            assertNull(GoIP.parse(bad), bad);
        }
    }

    @Test
    void predicatesAreGos() {
        assertTrue(GoIP.isUnspecified(GoIP.parse("0.0.0.0")) && GoIP.isUnspecified(GoIP.parse("::")));
        assertTrue(GoIP.isUnspecified(GoIP.parse("::ffff:0.0.0.0")));
        assertTrue(GoIP.isLoopback(GoIP.parse("127.255.0.1")) && GoIP.isLoopback(GoIP.parse("::1")));
        assertFalse(GoIP.isLoopback(GoIP.parse("::2")));
        assertTrue(GoIP.isLinkLocalUnicast(GoIP.parse("169.254.1.1")) && GoIP.isLinkLocalUnicast(GoIP.parse("febf::1")));
        assertFalse(GoIP.isLinkLocalUnicast(GoIP.parse("fec0::1")));
        assertTrue(GoIP.isLinkLocalMulticast(GoIP.parse("224.0.0.251")) && GoIP.isLinkLocalMulticast(GoIP.parse("ff12::1")));
        assertFalse(GoIP.isLinkLocalMulticast(GoIP.parse("224.0.1.1")));
    }
}
