package io.kapi.security.pki;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The admin kubeconfig: one cluster (the CA inline), one user (the admin client certificate and key
 * inline), one context, made current. Written as plain YAML text: the structure is fixed, every value
 * is a URL, a name of ours or base64, so nothing needs quoting, and no YAML library has to be wired
 * into the bundle.
 */
public final class Kubeconfig {
    public static final String CLUSTER = "kapi";
    public static final String USER = Pki.ADMIN_USER;
    public static final String CONTEXT = USER + "@" + CLUSTER;

    private Kubeconfig() {
    }

    /** {@code https://host:port}, with an IPv6 literal in brackets. */
    public static String serverUrl(String host, int port) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return "https://" + h + ":" + port;
    }

    /** The kubeconfig text for {@code serverUrl}, trusting {@code caPem} and authenticating with the given pair. */
    public static String render(String serverUrl, String caPem, String clientCertPem, String clientKeyPem) {
        return render(serverUrl, caPem, USER, clientCertPem, clientKeyPem);
    }

    /** The same for the user named {@code user} (the names of its user entry and context). */
    public static String render(String serverUrl, String caPem, String user, String clientCertPem, String clientKeyPem) {
        URI.create(serverUrl); // fail early on a malformed URL rather than in every client
        String context = user + "@" + CLUSTER;
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "preferences: {}\n"
                + "clusters:\n"
                + "- name: " + CLUSTER + "\n"
                + "  cluster:\n"
                + "    server: " + serverUrl + "\n"
                + "    certificate-authority-data: " + b64(caPem) + "\n"
                + "users:\n"
                + "- name: " + user + "\n"
                + "  user:\n"
                + "    client-certificate-data: " + b64(clientCertPem) + "\n"
                + "    client-key-data: " + b64(clientKeyPem) + "\n"
                + "contexts:\n"
                + "- name: " + context + "\n"
                + "  context:\n"
                + "    cluster: " + CLUSTER + "\n"
                + "    user: " + user + "\n"
                + "    namespace: default\n"
                + "current-context: " + context + "\n";
    }

    /**
     * Writes the admin kubeconfig for {@code pki} (owner-only: it holds a private key). The file is
     * left untouched when it already says the same, so users' tools watching it see no change on
     * restart. Returns whether it was written.
     */
    public static boolean write(Path target, String serverUrl, Pki pki) throws IOException {
        // the key as kube's keyutil writes it, also when an older installation stored it as PKCS#8
        String key = Certificates.toPem(Certificates.readPrivateKey(pki.pem(Pki.ADMIN_KEY)));
        String yaml = render(serverUrl, pki.pem(Pki.CA_CRT), pki.pem(Pki.ADMIN_CRT), key);
        return SecureFiles.writeIfChanged(target, yaml.getBytes(StandardCharsets.UTF_8), true);
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
