package io.kapi.group.discovery;

/**
 * Go's {@code net.ParseIP} as kube 1.32 parses addresses ({@code k8s.io/utils/net.ParseIPSloppy}, Go
 * 1.16's parser kept so that IPv4 octets with leading zeros still parse, as decimal), and the
 * {@code net.IP} predicates kube's endpoint checks call. An address is Go's 16-byte form: an IPv4
 * address is held IPv4-mapped ({@code ::ffff:a.b.c.d}), so {@code "::ffff:1.2.3.4"} is an IPv4 address
 * for Go, as it is for kube.
 */
final class GoIP {
    private static final int V4 = 4;
    private static final int V6 = 16;
    /** Go's {@code big}: the bound its digit readers stop at. */
    private static final int BIG = 0xFFFFFF;

    private GoIP() {
    }

    /** {@code net.ParseIP}: the 16-byte address, or null when {@code s} is none. */
    static byte[] parse(String s) {
        for (int i = 0; i < s.length(); i++) {
            switch (s.charAt(i)) {
                case '.':
                    return parseV4(s);
                case ':':
                    return parseV6(s);
                default:
            }
        }
        return null;
    }

    /** {@code ip.To4() != nil}: the address is an IPv4 one. */
    static boolean isV4(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return (ip[10] & 0xff) == 0xff && (ip[11] & 0xff) == 0xff;
    }

    /** {@code IsUnspecified}: {@code 0.0.0.0} or {@code ::}. */
    static boolean isUnspecified(byte[] ip) {
        if (isV4(ip)) {
            return ip[12] == 0 && ip[13] == 0 && ip[14] == 0 && ip[15] == 0;
        }
        for (byte b : ip) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code IsLoopback}: {@code 127.0.0.0/8} or {@code ::1}. */
    static boolean isLoopback(byte[] ip) {
        if (isV4(ip)) {
            return (ip[12] & 0xff) == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[15] == 1;
    }

    /** {@code IsLinkLocalUnicast}: {@code 169.254.0.0/16} or {@code fe80::/10}. */
    static boolean isLinkLocalUnicast(byte[] ip) {
        if (isV4(ip)) {
            return (ip[12] & 0xff) == 169 && (ip[13] & 0xff) == 254;
        }
        return (ip[0] & 0xff) == 0xfe && (ip[1] & 0xc0) == 0x80;
    }

    /** {@code IsLinkLocalMulticast}: {@code 224.0.0.0/24} or {@code ff02::/16} (any scope nibble 2). */
    static boolean isLinkLocalMulticast(byte[] ip) {
        if (isV4(ip)) {
            return (ip[12] & 0xff) == 224 && ip[13] == 0 && ip[14] == 0;
        }
        return (ip[0] & 0xff) == 0xff && (ip[1] & 0x0f) == 0x02;
    }

    private static byte[] parseV4(String s) {
        byte[] ip = new byte[V6];
        ip[10] = (byte) 0xff;
        ip[11] = (byte) 0xff;
        int at = 0;
        for (int i = 0; i < V4; i++) {
            if (at >= s.length()) {
                return null;
            }
            if (i > 0) {
                if (s.charAt(at) != '.') {
                    return null;
                }
                at++;
            }
            int n = 0;
            int start = at;
            while (at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9') {
                n = n * 10 + (s.charAt(at) - '0');
                at++;
                if (n >= BIG) {
                    return null;
                }
            }
            if (at == start || n > 0xFF) {
                return null;
            }
            ip[12 + i] = (byte) n;
        }
        return at == s.length() ? ip : null;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        } else if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static byte[] parseV6(String text) {
        byte[] ip = new byte[V6];
        String s = text;
        int ellipsis = -1;
        if (s.length() >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
            ellipsis = 0;
            s = s.substring(2);
            if (s.isEmpty()) {
                return ip;
            }
        }
        int i = 0;
        while (i < V6) {
            int n = 0;
            int c = 0;
            while (c < s.length() && hex(s.charAt(c)) >= 0) {
                n = n * 16 + hex(s.charAt(c));
                c++;
                if (n >= BIG) {
                    return null;
                }
            }
            if (c == 0 || n > 0xFFFF) {
                return null;
            }
            if (c < s.length() && s.charAt(c) == '.') {
                // a trailing IPv4 address, in the last four bytes only
                if (ellipsis < 0 && i != V6 - V4) {
                    return null;
                }
                if (i + V4 > V6) {
                    return null;
                }
                byte[] v4 = parseV4(s);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 12, ip, i, V4);
                s = "";
                i += V4;
                break;
            }
            ip[i] = (byte) (n >> 8);
            ip[i + 1] = (byte) n;
            i += 2;
            s = s.substring(c);
            if (s.isEmpty()) {
                break;
            }
            if (s.charAt(0) != ':' || s.length() == 1) {
                return null;
            }
            s = s.substring(1);
            if (s.charAt(0) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = i;
                s = s.substring(1);
                if (s.isEmpty()) {
                    break;
                }
            }
        }
        if (!s.isEmpty()) {
            return null;
        }
        if (i < V6) {
            if (ellipsis < 0) {
                return null;
            }
            int n = V6 - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            for (int j = ellipsis + n - 1; j >= ellipsis; j--) {
                ip[j] = 0;
            }
        } else if (ellipsis >= 0) {
            // an ellipsis stands for at least one group of zeros
            return null;
        }
        return ip;
    }
}
