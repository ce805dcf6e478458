package io.kapi.group.certificates;

/**
 * The outermost DER element of a request or certificate, read as Go reads it: {@code encoding/asn1}'s
 * {@code parseTagAndLength} (for {@code x509.ParseCertificateRequest}) with its error texts, and the
 * element bounds {@code cryptobyte} takes for each certificate of {@code x509.ParseCertificates}.
 */
final class GoDer {
    /** Go's {@code tagAndLength} with the offset of the contents. */
    record Header(int cls, int tag, int length, boolean compound, int contentOffset) {
        /** Go's {@code %+v} of a {@code tagAndLength}. */
        String goString() {
            return "{class:" + cls + " tag:" + tag + " length:" + length + " isCompound:" + compound + "}";
        }

        int end() {
            return contentOffset + length;
        }
    }

    /** An {@code asn1.SyntaxError} or {@code asn1.StructuralError}, with Go's text. */
    static final class Asn1Exception extends Exception {
        Asn1Exception(String message) {
            super(message, null, false, false);
        }

        static Asn1Exception syntax(String msg) {
            return new Asn1Exception("asn1: syntax error: " + msg);
        }

        static Asn1Exception structure(String msg) {
            return new Asn1Exception("asn1: structure error: " + msg);
        }
    }

    private GoDer() {
    }

    /** Go's {@code parseTagAndLength} at offset 0 of {@code bytes}, which is not empty. */
    static Header header(byte[] bytes) throws Asn1Exception {
        int offset = 0;
        int b = bytes[offset++] & 0xff;
        int cls = b >> 6;
        boolean compound = (b & 0x20) == 0x20;
        int tag = b & 0x1f;
        if (tag == 0x1f) {
            // base 128 tag number (Go's parseBase128Int)
            long ret = 0;
            int shifted = 0;
            while (true) {
                if (offset >= bytes.length) {
                    throw Asn1Exception.syntax("truncated base 128 integer");
                }
                if (shifted == 5) {
                    throw Asn1Exception.structure("base 128 integer too large");
                }
                int c = bytes[offset++] & 0xff;
                if (shifted == 0 && c == 0x80) {
                    throw Asn1Exception.syntax("integer is not minimally encoded");
                }
                ret = ret << 7 | (c & 0x7f);
                shifted++;
                if ((c & 0x80) == 0) {
                    break;
                }
            }
            if (ret > Integer.MAX_VALUE) {
                throw Asn1Exception.structure("base 128 integer too large");
            }
            tag = (int) ret;
            if (tag < 0x1f) {
                throw Asn1Exception.syntax("non-minimal tag");
            }
        }
        if (offset >= bytes.length) {
            throw Asn1Exception.syntax("truncated tag or length");
        }
        b = bytes[offset++] & 0xff;
        int length;
        if ((b & 0x80) == 0) {
            length = b & 0x7f;
        } else {
            int numBytes = b & 0x7f;
            if (numBytes == 0) {
                throw Asn1Exception.syntax("indefinite length found (not DER)");
            }
            length = 0;
            for (int i = 0; i < numBytes; i++) {
                if (offset >= bytes.length) {
                    throw Asn1Exception.syntax("truncated tag or length");
                }
                b = bytes[offset++] & 0xff;
                if (length >= 1 << 23) {
                    throw Asn1Exception.structure("length too large");
                }
                length = length << 8 | b;
                if (length == 0) {
                    throw Asn1Exception.structure("superfluous leading zeros in length");
                }
            }
            if (length < 0x80) {
                throw Asn1Exception.structure("non-minimal length");
            }
        }
        return new Header(cls, tag, length, compound, offset);
    }
}
