package io.kapi.security.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Writes the admin kubeconfig: one cluster, one user with the admin client certificate, one context. */
public final class Kubeconfig {
    public static final String CONTEXT = "kapi-admin@kapi";

    private Kubeconfig() {
    }

    public static void write(Path target, String serverUrl, Pki pki) throws IOException {
        String yaml = "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: kapi\n"
                + "  cluster:\n"
                + "    server: " + serverUrl + "\n"
                + "    certificate-authority-data: " + b64(pki.pem(Pki.CA_CRT)) + "\n"
                + "users:\n"
                + "- name: kapi-admin\n"
                + "  user:\n"
                + "    client-certificate-data: " + b64(pki.pem(Pki.ADMIN_CRT)) + "\n"
                + "    client-key-data: " + b64(pki.pem(Pki.ADMIN_KEY)) + "\n"
                + "contexts:\n"
                + "- name: " + CONTEXT + "\n"
                + "  context:\n"
                + "    cluster: kapi\n"
                + "    user: kapi-admin\n"
                + "    namespace: default\n"
                + "current-context: " + CONTEXT + "\n";
        Files.createDirectories(target.getParent());
        String current = Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : null;
        if (!yaml.equals(current)) {
            Pki.write(target, yaml.getBytes(StandardCharsets.UTF_8), true);
        }
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
