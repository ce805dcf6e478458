package io.kapi.security.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM encoding and decoding of certificates and private keys, in the forms kubectl and openssl read. */
public final class Certificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** The first certificate of a PEM text. */
    public static X509Certificate parse(String pem) throws IOException {
        List<X509Certificate> all = parseAll(pem);
        if (all.isEmpty()) {
            throw new IOException("no certificate in PEM text");
        }
        return all.get(0);
    }

    /** Every certificate of a PEM text, in order (a chain file: leaf first). */
    public static List<X509Certificate> parseAll(String pem) throws IOException {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** "CERTIFICATE" PEM block. */
    public static String toPem(X509Certificate cert) throws IOException {
        try {
            return pem("CERTIFICATE", cert.getEncoded());
        } catch (CertificateException e) {
            throw new IOException(e);
        }
    }

    /**
     * The PEM block kube's {@code keyutil.MarshalPrivateKeyToPEM} writes (and kubeadm, k3s): an EC key
     * as SEC1 {@code EC PRIVATE KEY} with its named curve and public key, an RSA key as PKCS#1
     * {@code RSA PRIVATE KEY}, anything else as PKCS#8 {@code PRIVATE KEY}. Every client reads these:
     * fabric8 reads no PKCS#8 EC key ("Invalid DER: object is not integer"), while kubectl, openssl and
     * Python's ssl module read all three.
     */
    public static String toPem(PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
        }
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return pem("PRIVATE KEY", key.getEncoded());
        }
        // Go's x509.MarshalECPrivateKey: version 1, the private value, the curve's OID, the public point
        ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
        X9ECParameters params = ECNamedCurveTable.getByOID(curve);
        if (params == null) {
            throw new IOException("unknown named curve " + curve);
        }
        BigInteger d = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        byte[] point = params.getG().multiply(d).normalize().getEncoded(false);
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                params.getN().bitLength(), d, new DERBitString(point), curve);
        return pem("EC PRIVATE KEY", sec1.getEncoded());
    }

    /**
     * Reads a PKCS#8, SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") PEM private key. EC and
     * RSA keys are built with the JCA's "EC" and "RSA" key factories, so the key's algorithm is
     * "EC" or "RSA" whichever providers are installed: BouncyCastle's converter alone asks for an
     * "ECDSA" key factory, which answers keys named "ECDSA" once BC is a registered provider (in
     * Karaf, Apache SSHD registers it), and such a key does not compare equal to the "EC" public key
     * of a certificate.
     */
    public static PrivateKey readPrivateKey(String pem) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            PrivateKeyInfo info;
            if (o instanceof PEMKeyPair kp) {
                info = kp.getPrivateKeyInfo();
            } else if (o instanceof PrivateKeyInfo pki) {
                info = pki;
            } else {
                throw new IOException("no private key in PEM text");
            }
            ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
            String alg = X9ObjectIdentifiers.id_ecPublicKey.equals(oid) ? "EC"
                    : PKCSObjectIdentifiers.rsaEncryption.equals(oid) ? "RSA" : null;
            if (alg == null) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IOException("unreadable " + alg + " private key: " + e.getMessage(), e);
            }
        }
    }

    /** Whether a private key belongs to a public key: signs a random challenge and verifies it. */
    public static boolean matches(PrivateKey key, PublicKey pub) {
        String keyAlg = family(key.getAlgorithm());
        if (!keyAlg.equals(family(pub.getAlgorithm()))) {
            return false;
        }
        try {
            String alg = "EC".equals(keyAlg) ? "SHA256withECDSA" : "SHA256with" + keyAlg;
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Providers name EC keys "EC" (the JDK) or "ECDSA" (BouncyCastle's ECDSA key factory): one family. */
    private static String family(String algorithm) {
        return "ECDSA".equalsIgnoreCase(algorithm) ? "EC" : algorithm.toUpperCase(Locale.ROOT);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
