package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;

import java.util.Arrays;

/**
 * How the store's maps are written on disk: the versioned key {@code key + '\0' + hex16(revision)}, the
 * entry {@code [kind][createRevision][value]} it maps to, and the keys of the {@code meta} map.
 */
final class VersionCodec {

    static final char SEP = '\0';
    static final byte PUT = 0;
    static final byte DELETE = 1;
    static final String META_REVISION = "revision";
    static final String META_COMPACTED = "compacted";

    private static final int HEADER = 9;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private VersionCodec() {
    }

    static String versionKey(String key, long revision) {
        char[] out = new char[key.length() + 17];
        key.getChars(0, key.length(), out, 0);
        int p = key.length();
        out[p++] = SEP;
        for (int shift = 60; shift >= 0; shift -= 4) {
            out[p++] = HEX[(int) (revision >>> shift) & 0xf];
        }
        return new String(out);
    }

    static long parseRevision(String versionKey) {
        long r = 0;
        for (int i = versionKey.length() - 16; i < versionKey.length(); i++) {
            char ch = versionKey.charAt(i);
            r = (r << 4) | (ch <= '9' ? ch - '0' : ch - 'a' + 10);
        }
        return r;
    }

    static byte[] encode(byte kind, long createRevision, byte[] value) {
        int n = value == null ? 0 : value.length;
        byte[] out = new byte[HEADER + n];
        out[0] = kind;
        for (int i = 0; i < 8; i++) {
            out[1 + i] = (byte) (createRevision >>> (56 - 8 * i));
        }
        if (n > 0) {
            System.arraycopy(value, 0, out, HEADER, n);
        }
        return out;
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static byte[] valueOf(byte[] entry) {
        return Arrays.copyOfRange(entry, HEADER, entry.length);
    }

    static KeyValue toKeyValue(String key, long modRevision, byte[] entry) {
        return new KeyValue(key, valueOf(entry), readLong(entry, 1), modRevision);
    }

    static KeyValue toKeyValue(String key, Version v) {
        return v == null || !v.live() ? null : toKeyValue(key, v.modRevision, v.entry);
    }

    /** One stored version of a key: its revision and its entry (maybe a tombstone). */
    static final class Version {
        final long modRevision;
        final byte[] entry;

        Version(long modRevision, byte[] entry) {
            this.modRevision = modRevision;
            this.entry = entry;
        }

        boolean live() {
            return entry[0] == PUT;
        }

        long createRevision() {
            return readLong(entry, 1);
        }

        byte[] value() {
            return valueOf(entry);
        }
    }
}
