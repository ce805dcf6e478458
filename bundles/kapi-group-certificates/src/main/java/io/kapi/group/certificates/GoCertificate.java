package io.kapi.group.certificates;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The first steps of Go 1.23's {@code x509.parseCertificate} (crypto/x509/parser.go), which kube's
 * {@code validateCertificate} runs on {@code status.certificate}: the certificate's outer structure read
 * with {@code cryptobyte}'s DER rules up to its subject, with Go's error for the first part that is
 * malformed ({@code x509: malformed tbs certificate}, {@code x509: invalid RDNSequence}, ...). What
 * follows the subject is left to BouncyCastle's parser.
 */
final class GoCertificate {
    private static final int INTEGER = 0x02;
    private static final int OID = 0x06;
    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int UTC_TIME = 0x17;
    private static final int GENERALIZED_TIME = 0x18;
    private static final int VERSION = 0xa0;

    /** A malformed part, with Go's text. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    private GoCertificate() {
    }

    /** The length of the certificate at the start of {@code der} ({@code cert.Raw}); Go's error when its first parts are malformed. */
    static int check(byte[] der) throws MalformedException {
        Reader input = new Reader(der, 0, der.length);
        Reader element = input.element(SEQUENCE, false);
        if (element == null) {
            throw new MalformedException("x509: malformed certificate");
        }
        // cert.Raw, taken before the element is read further
        int length = element.end - element.start;
        Reader cert = element.element(SEQUENCE, true);
        if (cert == null) {
            throw new MalformedException("x509: malformed certificate");
        }
        Reader tbs = cert.element(SEQUENCE, true);
        if (tbs == null) {
            throw new MalformedException("x509: malformed tbs certificate");
        }
        if (tbs.peek(VERSION)) {
            Reader explicit = tbs.element(VERSION, true);
            BigInteger version = explicit == null ? null : explicit.integer();
            if (version == null || !explicit.empty() || version.signum() < 0) {
                throw new MalformedException("x509: malformed version");
            }
            if (version.compareTo(BigInteger.TWO) > 0) {
                throw new MalformedException("x509: invalid version");
            }
        }
        BigInteger serial = tbs.integer();
        if (serial == null) {
            throw new MalformedException("x509: malformed serial number");
        }
        if (serial.signum() < 0) {
            // Go 1.23 refuses them unless GODEBUG x509negativeserial=1
            throw new MalformedException("x509: negative serial number");
        }
        Reader sigAI = tbs.element(SEQUENCE, true);
        if (sigAI == null) {
            throw new MalformedException("x509: malformed signature algorithm identifier");
        }
        Reader outerSigAI = cert.element(SEQUENCE, true);
        if (outerSigAI == null) {
            throw new MalformedException("x509: malformed algorithm identifier");
        }
        if (!Arrays.equals(outerSigAI.bytes(), sigAI.bytes())) {
            throw new MalformedException("x509: inner and outer signature algorithm identifiers don't match");
        }
        algorithmIdentifier(sigAI);
        Reader issuer = tbs.element(SEQUENCE, false);
        if (issuer == null) {
            throw new MalformedException("x509: malformed issuer");
        }
        name(issuer);
        Reader validity = tbs.element(SEQUENCE, true);
        if (validity == null) {
            throw new MalformedException("x509: malformed validity");
        }
        for (int i = 0; i < 2; i++) {
            if (!validity.peek(UTC_TIME) && !validity.peek(GENERALIZED_TIME)) {
                throw new MalformedException("x509: unsupported time format");
            }
            validity.any();
        }
        Reader subject = tbs.element(SEQUENCE, false);
        if (subject == null) {
            // Go's text for the subject too
            throw new MalformedException("x509: malformed issuer");
        }
        name(subject);
        if (tbs.element(SEQUENCE, false) == null) {
            throw new MalformedException("x509: malformed spki");
        }
        return length;
    }

    /** Go's {@code parseAI}. */
    private static void algorithmIdentifier(Reader ai) throws MalformedException {
        Reader oid = ai.element(OID, true);
        if (oid == null || oid.empty()) {
            throw new MalformedException("x509: malformed OID");
        }
        if (!ai.empty() && ai.any() == null) {
            throw new MalformedException("x509: malformed parameters");
        }
    }

    /** Go's {@code parseName}, up to the tags of each attribute. */
    private static void name(Reader raw) throws MalformedException {
        Reader rdns = raw.element(SEQUENCE, true);
        if (rdns == null) {
            throw new MalformedException("x509: invalid RDNSequence");
        }
        while (!rdns.empty()) {
            Reader set = rdns.element(SET, true);
            if (set == null) {
                throw new MalformedException("x509: invalid RDNSequence");
            }
            while (!set.empty()) {
                Reader atav = set.element(SEQUENCE, true);
                if (atav == null) {
                    throw new MalformedException("x509: invalid RDNSequence: invalid attribute");
                }
                Reader type = atav.element(OID, true);
                if (type == null || type.empty()) {
                    throw new MalformedException("x509: invalid RDNSequence: invalid attribute type");
                }
                if (atav.any() == null) {
                    throw new MalformedException("x509: invalid RDNSequence: invalid attribute value");
                }
            }
        }
    }

    /** {@code cryptobyte.String}: DER elements read one after the other, with cryptobyte's length rules. */
    private static final class Reader {
        private final byte[] b;
        private int start;
        private final int end;

        Reader(byte[] b, int start, int end) {
            this.b = b;
            this.start = start;
            this.end = end;
        }

        boolean empty() {
            return start >= end;
        }

        boolean peek(int tag) {
            return start < end && (b[start] & 0xff) == tag;
        }

        byte[] bytes() {
            return Arrays.copyOfRange(b, start, end);
        }

        /** {@code ReadASN1} ({@code skipHeader}) or {@code ReadASN1Element} of {@code tag}; null when it fails. */
        Reader element(int tag, boolean skipHeader) {
            return peek(tag) ? any(skipHeader) : null;
        }

        /** {@code ReadAnyASN1Element}. */
        Reader any() {
            return any(false);
        }

        private Reader any(boolean skipHeader) {
            if (end - start < 2) {
                return null;
            }
            int tag = b[start] & 0xff;
            int lenByte = b[start + 1] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                // cryptobyte reads low tag numbers only
                return null;
            }
            long length;
            int headerLen;
            if ((lenByte & 0x80) == 0) {
                headerLen = 2;
                length = lenByte;
            } else {
                int lenLen = lenByte & 0x7f;
                if (lenLen == 0 || lenLen > 4 || end - start < 2 + lenLen) {
                    return null;
                }
                long len32 = 0;
                for (int i = 0; i < lenLen; i++) {
                    len32 = len32 << 8 | (b[start + 2 + i] & 0xff);
                }
                // DER: the shortest form, no leading zero
                if (len32 < 128 || len32 >> ((lenLen - 1) * 8) == 0) {
                    return null;
                }
                headerLen = 2 + lenLen;
                length = len32;
            }
            if (length > end - start - headerLen) {
                return null;
            }
            int elementEnd = start + headerLen + (int) length;
            Reader out = new Reader(b, skipHeader ? start + headerLen : start, elementEnd);
            start = elementEnd;
            return out;
        }

        /** {@code ReadASN1Integer} into a big integer: minimal two's complement; null when it fails. */
        BigInteger integer() {
            Reader r = element(INTEGER, true);
            if (r == null) {
                return null;
            }
            int n = r.end - r.start;
            if (n == 0) {
                return null;
            }
            if (n > 1 && ((b[r.start] == 0 && (b[r.start + 1] & 0x80) == 0)
                    || (b[r.start] == (byte) 0xff && (b[r.start + 1] & 0x80) == 0x80))) {
                return null;
            }
            return new BigInteger(r.bytes());
        }
    }
}
