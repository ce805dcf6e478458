package io.kapi.security.authn;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.servlet.http.HttpServletRequest;

/**
 * kube's x509 authenticator: a client certificate signed by the cluster CA, valid now and meant for
 * client auth, names the user by its CN and the groups by its O values. The container only "wants"
 * client certificates, so the chain is checked here again.
 */
public final class X509Authenticator implements Authenticator {
    static final String ATTRIBUTE = "javax.servlet.request.X509Certificate";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private final X509Certificate ca;

    public X509Authenticator(X509Certificate ca) {
        this.ca = ca;
    }

    @Override
    public UserInfo authenticate(HttpServletRequest request) {
        Object attr = request.getAttribute(ATTRIBUTE);
        if (!(attr instanceof X509Certificate[] chain) || chain.length == 0) {
            return null;
        }
        return authenticate(chain[0]);
    }

    public UserInfo authenticate(X509Certificate cert) {
        try {
            cert.checkValidity();
            cert.verify(ca.getPublicKey());
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH)) {
                throw StatusException.unauthorized();
            }
        } catch (GeneralSecurityException e) {
            throw StatusException.unauthorized();
        }
        String cn = null;
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            throw StatusException.unauthorized();
        }
        if (cn == null || cn.isEmpty()) {
            throw StatusException.unauthorized();
        }
        groups.add("system:authenticated");
        return new UserInfo(cn, "", List.copyOf(groups));
    }
}
