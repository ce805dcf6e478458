package io.kapi.group.certificates;

import java.io.ByteArrayOutputStream;

/**
 * Go's {@code base64.StdEncoding.Decode}, which kube's JSON decoding runs on every {@code []byte} field
 * ({@code spec.request}, {@code status.certificate}) and {@code pem.Decode} on a block's body: padding
 * required, {@code \r} and {@code \n} skipped anywhere, and the first bad byte reported at Go's offset
 * ({@code illegal base64 data at input byte N}), which Java's decoders do not give.
 */
final class GoBase64 {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final int[] DECODE = new int[256];

    static {
        java.util.Arrays.fill(DECODE, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DECODE[ALPHABET.charAt(i)] = i;
        }
    }

    /** Go's {@code base64.CorruptInputError}. */
    static final class CorruptInputException extends Exception {
        final int offset;

        CorruptInputException(int offset) {
            super("illegal base64 data at input byte " + offset, null, false, false);
            this.offset = offset;
        }
    }

    private GoBase64() {
    }

    /** The bytes {@code src} encodes; Go's error at the first byte that cannot be decoded. */
    static byte[] decode(byte[] src) throws CorruptInputException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4 + 3);
        int si = 0;
        while (si < src.length) {
            si = quantum(src, si, out);
        }
        return out.toByteArray();
    }

    /** Go's {@code decodeQuantum}: up to four characters from {@code si}; the offset after them. */
    private static int quantum(byte[] src, int si, ByteArrayOutputStream out) throws CorruptInputException {
        int[] dbuf = new int[4];
        int dlen = 4;
        for (int j = 0; j < 4; j++) {
            if (si == src.length) {
                if (j == 0) {
                    return si;
                }
                // StdEncoding pads: a quantum cut short is corrupt where it started
                throw new CorruptInputException(si - j);
            }
            int in = src[si] & 0xff;
            si++;
            if (DECODE[in] >= 0) {
                dbuf[j] = DECODE[in];
                continue;
            }
            if (in == '\n' || in == '\r') {
                j--;
                continue;
            }
            if (in != '=') {
                throw new CorruptInputException(si - 1);
            }
            // padding: the end of the data
            switch (j) {
                case 0, 1 -> throw new CorruptInputException(si - 1);
                case 2 -> {
                    // "==" is expected: skip newlines to the second '='
                    while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
                        si++;
                    }
                    if (si == src.length) {
                        throw new CorruptInputException(src.length);
                    }
                    if (src[si] != '=') {
                        throw new CorruptInputException(si - 1);
                    }
                    si++;
                }
                default -> {
                }
            }
            while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
                si++;
            }
            if (si < src.length) {
                // trailing garbage; Go writes this quantum before it reports the error, which ends decoding anyway
                throw new CorruptInputException(si);
            }
            dlen = j;
            break;
        }
        int val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
        int[] bytes = {val >> 16 & 0xff, val >> 8 & 0xff, val & 0xff};
        // StdEncoding is not strict: the bits a short quantum leaves over are not checked
        for (int k = 0; k < dlen - 1; k++) {
            out.write(bytes[k]);
        }
        return si;
    }
}
