package io.kapi.security.internal.serviceaccount;

import io.kapi.security.pki.Certificates;
import io.kapi.security.pki.SecureFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The service account issuer's key pair (kube's {@code --service-account-signing-key-file} and
 * {@code --service-account-key-file}): an ECDSA P-256 key, so tokens are signed ES256. Kept as {@code sa.key}
 * (SEC1 {@code EC PRIVATE KEY}, owner-only) and {@code sa.pub} ({@code PUBLIC KEY}) in the PKI folder, created on
 * the first start; a missing public key is written again from the private key, and a pair that does not belong
 * together is refused rather than replaced, since replacing it would invalidate every token handed out.
 *
 * @param keyId kube's key id: the unpadded base64url of the SHA-256 of the public key's DER (PKIX) encoding
 */
public record ServiceAccountKey(ECPrivateKey privateKey, ECPublicKey publicKey, String keyId) {
    public static final String PRIVATE = "sa.key";
    public static final String PUBLIC = "sa.pub";

    /** The pair in {@code dir}, created there when neither file exists. */
    public static ServiceAccountKey ensure(Path dir) throws IOException, GeneralSecurityException {
        Path priv = dir.resolve(PRIVATE);
        Path pub = dir.resolve(PUBLIC);
        if (!Files.exists(priv) && !Files.exists(pub)) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            SecureFiles.write(priv, Certificates.toPem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), true);
            SecureFiles.write(pub, publicPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII), false);
        }
        if (!Files.exists(priv)) {
            throw new IOException("the service account key pair is incomplete: " + priv + " is missing (" + pub + " alone cannot sign)");
        }
        if (!(Certificates.readPrivateKey(Files.readString(priv)) instanceof ECPrivateKey key)) {
            throw new IOException(priv + " is not an ECDSA key");
        }
        if (key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IOException(priv + " is not a P-256 key, which ES256 signs with");
        }
        if (!Files.exists(pub)) {
            // a start stopped between the two writes: the public key is the private key's
            SecureFiles.write(pub, publicPem(publicKeyOf(key)).getBytes(StandardCharsets.US_ASCII), false);
        }
        ECPublicKey publicKey = readPublicKey(Files.readString(pub));
        if (!Certificates.matches(key, publicKey)) {
            throw new IOException(priv + " and " + pub + " are not one key pair");
        }
        return new ServiceAccountKey(key, publicKey, keyId(publicKey));
    }

    static String publicPem(java.security.PublicKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(key);
        }
        return out.toString();
    }

    /** The public key of a P-256 private key: the curve's base point times the private scalar. */
    static ECPublicKey publicKeyOf(ECPrivateKey key) throws IOException, GeneralSecurityException {
        X9ECParameters p256 = ECNamedCurveTable.getByName("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = p256.getG().multiply(key.getS()).normalize();
        ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        if (!(KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams())) instanceof ECPublicKey pub)) {
            throw new IOException("not an ECDSA public key");
        }
        return pub;
    }

    private static ECPublicKey ecPublicKey(SubjectPublicKeyInfo info) throws IOException, GeneralSecurityException {
        // the JCA's "EC" factory, whichever providers are registered (BouncyCastle's converter names its keys "ECDSA")
        if (!(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(info.getEncoded())) instanceof ECPublicKey key)) {
            throw new IOException("not an ECDSA public key");
        }
        return key;
    }

    static ECPublicKey readPublicKey(String pem) throws IOException, GeneralSecurityException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            if (!(p.readObject() instanceof SubjectPublicKeyInfo info)) {
                throw new IOException("no public key in PEM text");
            }
            return ecPublicKey(info);
        }
    }

    static String keyId(java.security.PublicKey key) throws GeneralSecurityException {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    }
}
