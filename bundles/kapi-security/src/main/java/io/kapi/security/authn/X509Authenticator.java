package io.kapi.security.authn;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.CertPathValidator;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * kube's x509 client-certificate authenticator ({@code --client-ca-file}): the chain the client
 * presented must lead to one of the CAs, be valid now, and allow client authentication; the user is
 * the subject's CN, the groups its O values, plus {@value #AUTHENTICATED}.
 *
 * <p>The chain is verified here even though Jetty's truststore holds the same CA, because the
 * connector only <em>wants</em> client certificates and its truststore is configuration that may
 * change; authentication must not depend on it. Extended key usage is checked as Go's
 * {@code x509.Verify} does with {@code ExtKeyUsageClientAuth}: a certificate of the chain without
 * the extension allows every usage, one with it must list client auth (or "any").
 */
public final class X509Authenticator implements Authenticator {
    /** The servlet request attribute with the client's chain, leaf first (servlet spec, set by Jetty's SecureRequestCustomizer). */
    public static final String CERTIFICATE_ATTRIBUTE = "javax.servlet.request.X509Certificate";
    public static final String AUTHENTICATED = "system:authenticated";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";
    private static final Logger LOG = Logger.getLogger(X509Authenticator.class.getName());

    private final Set<TrustAnchor> anchors;
    private final Clock clock;

    public X509Authenticator(X509Certificate ca) {
        this(List.of(ca));
    }

    public X509Authenticator(Collection<X509Certificate> cas) {
        this(cas, Clock.systemUTC());
    }

    X509Authenticator(Collection<X509Certificate> cas, Clock clock) {
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("at least one CA is needed");
        }
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate ca : cas) {
            a.add(new TrustAnchor(ca, null));
        }
        this.anchors = Set.copyOf(a);
        this.clock = clock;
    }

    /** Null when the request carries no client certificate; 401 when it carries one that does not verify. */
    @Override
    public UserInfo authenticate(HttpServletRequest request) {
        Object attr = request.getAttribute(CERTIFICATE_ATTRIBUTE);
        if (!(attr instanceof X509Certificate[] chain) || chain.length == 0) {
            return null;
        }
        return authenticate(chain);
    }

    /** Verifies {@code chain} (leaf first, as the client sent it) and maps the leaf's subject to a user. */
    public UserInfo authenticate(X509Certificate... chain) {
        List<X509Certificate> path = withoutAnchors(chain);
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            // the CA publishes no CRL or OCSP responder; kube's verifier does not check revocation either
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            for (X509Certificate c : path) {
                List<String> eku = c.getExtendedKeyUsage();
                if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_USAGE)) {
                    throw new GeneralSecurityException("certificate " + c.getSubjectX500Principal() + " is not for client auth");
                }
            }
        } catch (GeneralSecurityException e) {
            LOG.log(Level.FINE, "client certificate rejected: {0}", e.getMessage());
            throw StatusException.unauthorized();
        }
        return toUser(chain[0]);
    }

    /** kube's {@code CommonNameUserConversion}: CN is the user, each O a group. */
    static UserInfo toUser(X509Certificate leaf) {
        String cn = null;
        List<String> groups = new ArrayList<>();
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(BCStyle.CN)) {
                    cn = text(atv.getValue());
                } else if (atv.getType().equals(BCStyle.O)) {
                    groups.add(text(atv.getValue()));
                }
            }
        }
        if (cn == null || cn.isEmpty()) {
            throw StatusException.unauthorized();
        }
        if (!groups.contains(AUTHENTICATED)) {
            groups.add(AUTHENTICATED);
        }
        return new UserInfo(cn, "", List.copyOf(groups));
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value);
    }

    /** A client may send the root too; PKIX wants the path without its trust anchor. */
    private List<X509Certificate> withoutAnchors(X509Certificate[] chain) {
        List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
        while (path.size() > 1 && isAnchor(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        return path;
    }

    private boolean isAnchor(X509Certificate c) {
        for (TrustAnchor a : anchors) {
            if (a.getTrustedCert().equals(c)) {
                return true;
            }
        }
        return false;
    }
}
