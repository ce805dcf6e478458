package io.kapi.group.core;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS client context of kube's {@code InsecureSkipVerify}, as kube-apiserver reaches kubelets it has no
 * CA for and checks components' self-signed health endpoints: any certificate, any host name.
 */
final class InsecureTls {
    /** Shared: an SSLContext is thread-safe. */
    static final SSLContext CONTEXT = context();

    private InsecureTls() {
    }

    /** kube's {@code InsecureSkipVerify}: any certificate, any host name (an extended trust manager, so the JDK checks no name). */
    private static SSLContext context() {
        TrustManager all = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
                // the client side only
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
                // kube skips verification
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                // the client side only
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                // kube skips verification
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // the client side only
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // kube skips verification
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {all}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
