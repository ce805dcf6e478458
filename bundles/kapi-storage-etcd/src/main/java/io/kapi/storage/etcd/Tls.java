package io.kapi.storage.etcd;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the PEM files etcd deployments use (etcd's own
 * {@code --trusted-ca-file}, {@code --cert-file}, {@code --key-file} style), with nothing but
 * the JDK: certificates through {@link CertificateFactory}, keys in PKCS#8 ({@code PRIVATE KEY},
 * what OpenSSL 3 writes), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY},
 * what cfssl writes), the last two re-wrapped as PKCS#8 since the JDK reads only that.
 * Encrypted keys are not supported.
 */
final class Tls {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private Tls() {
    }

    /** What to trust and what to present: JDK factories, {@code null} where a file is not given. */
    record Material(TrustManagerFactory trust, KeyManagerFactory keys) {
    }

    static Material material(Path caFile, Path certFile, Path keyFile) {
        try {
            TrustManagerFactory tmf = null;
            if (caFile != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caFile)) {
                    ts.setCertificateEntry("ca" + i++, c);
                }
                if (i == 0) {
                    throw new IllegalArgumentException("no certificate in " + caFile);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (certFile != null) {
                List<Certificate> chain = certificates(certFile);
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in " + certFile);
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", privateKey(keyFile), NO_PASSWORD, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, NO_PASSWORD);
            }
            return new Material(tmf, kmf);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load etcd TLS material: " + e.getMessage(), e);
        }
    }

    static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends Certificate> certs =
                cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
        return new ArrayList<>(certs);
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    // PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING pkcs1 }
                    return pkcs8(sequence(INTEGER_0, sequence(RSA_ENCRYPTION, DER_NULL), tlv(0x04, der)));
                case "EC PRIVATE KEY":
                    // The curve is the [0] parameter inside the SEC1 structure; PKCS#8 wants it in
                    // the AlgorithmIdentifier instead.
                    return pkcs8(sequence(INTEGER_0, sequence(EC_PUBLIC_KEY, sec1Curve(der)), tlv(0x04, der)));
                default:
                    // e.g. "EC PARAMETERS" that openssl ecparam puts before the key
            }
        }
        throw new IllegalArgumentException("no unencrypted private key in " + file);
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    // ------------------------------------------------------------ the little DER that takes

    private static final byte[] INTEGER_0 = {0x02, 0x01, 0x00};
    private static final byte[] DER_NULL = {0x05, 0x00};
    /** OID 1.2.840.113549.1.1.1 */
    private static final byte[] RSA_ENCRYPTION =
            {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** OID 1.2.840.10045.2.1 */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** ECPrivateKey ::= SEQUENCE { version, OCTET STRING, [0] curve OID OPTIONAL, [1] public OPTIONAL } */
    static byte[] sec1Curve(byte[] der) {
        int[] seq = header(der, 0);
        int p = seq[0];
        int end = seq[0] + seq[1];
        while (p < end) {
            int tag = der[p] & 0xff;
            int[] h = header(der, p);
            if (tag == 0xa0) {
                byte[] oid = new byte[h[1]];
                System.arraycopy(der, h[0], oid, 0, h[1]);
                return oid;
            }
            p = h[0] + h[1];
        }
        throw new IllegalArgumentException("EC private key without a named curve");
    }

    /** Returns {content offset, content length} of the TLV at {@code p}. */
    private static int[] header(byte[] der, int p) {
        int len = der[p + 1] & 0xff;
        int off = p + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[off + i] & 0xff);
            }
            off += n;
        }
        return new int[] {off, len};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
