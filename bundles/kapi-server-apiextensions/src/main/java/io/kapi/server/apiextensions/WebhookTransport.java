package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A webhook's HTTPS client, as kube's webhook client manager builds one from a {@code clientConfig}: the
 * server's certificate verified against the {@code caBundle} (the JVM's trusted roots without one), its host
 * name checked, kube's 30 s timeout (sent as {@code ?timeout=30s}, as kube's REST client does), a JSON body
 * posted and a JSON answer read. Failures come back as Go's error texts where kube's would differ only in
 * wording ({@code Post "<url>": dial tcp <host>: connect: connection refused}). No threads of its own.
 */
final class WebhookTransport {
    static final int TIMEOUT_SECONDS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** kube reads at most this much of a webhook's answer. */
    private static final int MAX_ANSWER = 3 * 1024 * 1024;

    private final java.util.function.Supplier<String> base;
    private final String path;
    private final String serverName;
    private final SSLSocketFactory tls;

    /**
     * @param url the webhook's https URL
     * @param caBundle PEM certificates, or an empty array for the JVM's trusted roots
     */
    WebhookTransport(String url, byte[] caBundle) {
        this(() -> url, "", null, caBundle);
    }

    /**
     * A webhook reached where {@code base} says at each call (a {@code service} reference: an address of its
     * Endpoints, resolved anew each time as kube resolves it), its certificate checked for {@code serverName}
     * ({@code <name>.<namespace>.svc}) rather than the address dialled, as kube sets the TLS server name.
     *
     * @param base {@code https://host:port}; it may throw a StatusException with kube's reason
     * @param path the path (and nothing else) after it
     * @param serverName the name the certificate must carry, or null for the URL's host
     */
    WebhookTransport(java.util.function.Supplier<String> base, String path, String serverName, byte[] caBundle) {
        this.base = base;
        this.path = path;
        this.serverName = serverName;
        this.tls = caBundle.length == 0 ? null : context(caBundle).getSocketFactory();
    }

    /** A failure to reach the webhook or to read its answer, in Go's words. */
    static final class WebhookException extends Exception {
        private static final long serialVersionUID = 1L;

        WebhookException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    JsonNode post(JsonNode body) throws WebhookException {
        String root;
        try {
            root = base.get();
        } catch (RuntimeException e) {
            // a service reference that does not resolve: kube's reason (service not found, no endpoints, ...)
            throw new WebhookException(e.getMessage(), e);
        }
        String url = root + path + ((root + path).contains("?") ? "&" : "?") + "timeout=" + TIMEOUT_SECONDS + "s";
        HttpURLConnection c = null;
        URL target;
        try {
            target = new URL(url);
        } catch (IOException e) {
            throw new WebhookException("Post \"" + url + "\": " + e.getMessage(), e);
        }
        String dial = "dial tcp " + target.getHost() + ":" + (target.getPort() < 0 ? 443 : target.getPort());
        try {
            c = (HttpURLConnection) target.openConnection();
            if (c instanceof HttpsURLConnection s) {
                SSLSocketFactory factory = tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
                s.setSSLSocketFactory(serverName == null ? factory : new ServerNameSockets(factory, serverName));
            }
            c.setConnectTimeout(TIMEOUT_SECONDS * 1000);
            c.setReadTimeout(TIMEOUT_SECONDS * 1000);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("Accept", "application/json, */*");
            try (OutputStream out = c.getOutputStream()) {
                JSON.writeValue(out, body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] answer = in == null ? new byte[0] : in.readNBytes(MAX_ANSWER);
            if (in != null) {
                in.close();
            }
            if (status < 200 || status >= 300) {
                // kube's REST client error for an unexpected status, with the body it got
                throw new WebhookException("the server responded with the status code " + status
                        + " but did not return more information", null);
            }
            return JSON.readTree(answer);
        } catch (ConnectException e) {
            throw new WebhookException("Post \"" + url + "\": " + dial + ": connect: connection refused", e);
        } catch (UnknownHostException e) {
            throw new WebhookException("Post \"" + url + "\": dial tcp: lookup " + target.getHost() + ": no such host", e);
        } catch (SocketTimeoutException e) {
            throw new WebhookException("Post \"" + url + "\": context deadline exceeded", e);
        } catch (javax.net.ssl.SSLException e) {
            throw new WebhookException("Post \"" + url + "\": tls: failed to verify certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new WebhookException("Post \"" + url + "\": " + e.getMessage(), e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /**
     * TLS sockets that speak to the address dialled as to {@code serverName}: SNI and the JSSE's own HTTPS
     * identity check use that name, as Go's client with {@code tls.Config.ServerName}. Unconnected sockets are
     * refused, so the JDK's HTTPS client connects a plain socket and layers TLS over it here.
     */
    static final class ServerNameSockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String serverName;

        ServerNameSockets(SSLSocketFactory delegate, String serverName) {
            this.delegate = delegate;
            this.serverName = serverName;
        }

        private java.net.Socket identified(java.net.Socket socket) {
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) socket;
            javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            return ssl;
        }

        /** Refused as {@code javax.net.SocketFactory} refuses unconnected sockets, which the JDK's client takes as "layer". */
        @Override
        public java.net.Socket createSocket() throws IOException {
            java.net.SocketException refused = new java.net.SocketException("Unconnected sockets not implemented");
            refused.initCause(new UnsupportedOperationException("TLS is layered with the webhook's server name"));
            throw refused;
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose) throws IOException {
            return identified(delegate.createSocket(s, serverName, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            throw new java.net.SocketException("connect first: TLS is layered with the webhook's server name");
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort) throws IOException {
            throw new java.net.SocketException("connect first: TLS is layered with the webhook's server name");
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            throw new java.net.SocketException("connect first: TLS is layered with the webhook's server name");
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort)
                throws IOException {
            throw new java.net.SocketException("connect first: TLS is layered with the webhook's server name");
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }

    /** Whether {@code pem} holds at least one certificate (kube refuses a caBundle that does not). */
    static boolean parsesAsCertificates(byte[] pem) {
        try {
            return !certificates(pem).isEmpty();
        } catch (CertificateException e) {
            return false;
        }
    }

    private static Collection<? extends Certificate> certificates(byte[] pem) throws CertificateException {
        return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    }

    /** Trusts exactly the bundle's certificates. */
    private static SSLContext context(byte[] caBundle) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : certificates(caBundle)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            // the definition's validation refuses a bundle without certificates: this is a bundle it let through
            throw new IllegalArgumentException("the caBundle cannot be used: " + e.getMessage(), e);
        }
    }
}
