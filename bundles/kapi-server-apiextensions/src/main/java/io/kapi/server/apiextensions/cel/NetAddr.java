package io.kapi.server.apiextensions.cel;

import io.kapi.api.rest.FieldCause;
import java.util.Arrays;

/**
 * An IP address as Go's {@code net/netip} parses and prints it, which kube's IP and CIDR libraries use:
 * IPv4 as four decimal fields without leading zeros, IPv6 with at most one {@code ::}, an optional
 * embedded IPv4 tail and a zone; errors in Go's words ({@code ParseAddr("x"): unable to parse IP}).
 * Printing is RFC 5952 (Go's {@code Addr.String}). Immutable.
 */
final class NetAddr {
    final byte[] bytes;
    final String zone;

    private NetAddr(byte[] bytes, String zone) {
        this.bytes = bytes;
        this.zone = zone;
    }

    /** A parse error, its message Go's {@code parseAddrError.Error()}. */
    static final class ParseError extends Exception {
        private static final long serialVersionUID = 1L;

        ParseError(String in, String msg, String at) {
            super("ParseAddr(" + FieldCause.goQuote(in) + "): " + msg + (at == null || at.isEmpty() ? "" : " (at " + FieldCause.goQuote(at) + ")"),
                    null, false, false);
        }
    }

    static NetAddr of(byte[] bytes) {
        return new NetAddr(bytes.clone(), "");
    }

    boolean is4() {
        return bytes.length == 4;
    }

    /** An IPv6 address of the form {@code ::ffff:a.b.c.d}. */
    boolean is4In6() {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    static NetAddr parse(String s) throws ParseError {
        for (int i = 0; i < s.length(); i++) {
            switch (s.charAt(i)) {
                case '.':
                    return new NetAddr(parse4(s, s), "");
                case ':':
                    return parse6(s);
                case '%':
                    throw new ParseError(s, "missing IPv6 address", null);
                default:
            }
        }
        throw new ParseError(s, "unable to parse IP", null);
    }

    private static byte[] parse4(String in, String s) throws ParseError {
        byte[] out = new byte[4];
        int val = 0;
        int pos = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 1 && val == 0) {
                    throw new ParseError(in, "IPv4 field has octet with leading zero", null);
                }
                val = val * 10 + (c - '0');
                digits++;
                if (val > 255) {
                    throw new ParseError(in, "IPv4 field has value >255", null);
                }
            } else if (c == '.') {
                if (i == 0 || i == s.length() - 1 || s.charAt(i - 1) == '.') {
                    throw new ParseError(in, "IPv4 field must have at least one digit", s.substring(i));
                }
                if (pos == 3) {
                    throw new ParseError(in, "IPv4 address too long", null);
                }
                out[pos++] = (byte) val;
                val = 0;
                digits = 0;
            } else {
                throw new ParseError(in, "unexpected character", s.substring(i));
            }
        }
        if (pos < 3) {
            throw new ParseError(in, "IPv4 address too short", null);
        }
        out[3] = (byte) val;
        return out;
    }

    private static NetAddr parse6(String in) throws ParseError {
        String s = in;
        String zone = "";
        int pct = s.indexOf('%');
        if (pct >= 0) {
            zone = s.substring(pct + 1);
            s = s.substring(0, pct);
            if (zone.isEmpty()) {
                throw new ParseError(in, "zone must be a non-empty string", null);
            }
        }
        byte[] ip = new byte[16];
        int ellipsis = -1;
        if (s.startsWith("::")) {
            ellipsis = 0;
            s = s.substring(2);
            if (s.isEmpty()) {
                return new NetAddr(ip, zone);
            }
        }
        int i = 0;
        while (i < 16) {
            int off = 0;
            int acc = 0;
            for (; off < s.length(); off++) {
                int d = Character.digit(s.charAt(off), 16);
                if (d < 0 || s.charAt(off) > 'f') {
                    break;
                }
                acc = (acc << 4) + d;
                if (off > 3) {
                    throw new ParseError(in, "each group must have 4 or less digits", s);
                }
                if (acc > 0xffff) {
                    throw new ParseError(in, "IPv6 field has value >=2^16", s);
                }
            }
            if (off == 0) {
                throw new ParseError(in, "each colon-separated field must have at least one digit", s);
            }
            if (off < s.length() && s.charAt(off) == '.') {
                if (ellipsis < 0 && i != 12) {
                    throw new ParseError(in, "embedded IPv4 address must replace the final 2 fields of the address", s);
                }
                if (i + 4 > 16) {
                    throw new ParseError(in, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
                }
                System.arraycopy(parse4(in, s), 0, ip, i, 4);
                s = "";
                i += 4;
                break;
            }
            ip[i] = (byte) (acc >> 8);
            ip[i + 1] = (byte) acc;
            i += 2;
            s = s.substring(off);
            if (s.isEmpty()) {
                break;
            }
            if (s.charAt(0) != ':') {
                throw new ParseError(in, "unexpected character, want colon", s);
            } else if (s.length() == 1) {
                throw new ParseError(in, "colon must be followed by more characters", s);
            }
            s = s.substring(1);
            if (s.charAt(0) == ':') {
                if (ellipsis >= 0) {
                    throw new ParseError(in, "multiple :: in address", s);
                }
                ellipsis = i;
                s = s.substring(1);
                if (s.isEmpty()) {
                    break;
                }
            }
        }
        if (!s.isEmpty()) {
            throw new ParseError(in, "trailing garbage after address", s);
        }
        if (i < 16) {
            if (ellipsis < 0) {
                throw new ParseError(in, "address string too short", null);
            }
            int n = 16 - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
        } else if (ellipsis >= 0) {
            throw new ParseError(in, "the :: must expand to at least one field of zeros", s);
        }
        return new NetAddr(ip, zone);
    }

    /** The first {@code bits} bits kept, the rest zero. */
    NetAddr masked(int bits) {
        byte[] out = bytes.clone();
        for (int b = 0; b < out.length * 8; b++) {
            if (b >= bits) {
                out[b / 8] &= (byte) ~(0x80 >>> (b % 8));
            }
        }
        return new NetAddr(out, "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetAddr a && Arrays.equals(a.bytes, bytes) && a.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Go's {@code Addr.String()}: dotted IPv4, RFC 5952 IPv6 (longest run of two or more zero groups as {@code ::}). */
    @Override
    public String toString() {
        if (is4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int zs = -1;
        int ze = -1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i >= 2 && j - i > ze - zs) {
                zs = i;
                ze = j;
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == zs) {
                b.append("::");
                i = ze - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b + (zone.isEmpty() ? "" : "%" + zone);
    }
}
