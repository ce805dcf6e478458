package io.kapi.security.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.security.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {
    @TempDir
    Path dir;

    @Test
    void serverUrls() {
        assertEquals("https://127.0.0.1:6443", Kubeconfig.serverUrl("127.0.0.1", 6443));
        assertEquals("https://[::1]:6443", Kubeconfig.serverUrl("::1", 6443));
        assertEquals("https://[::1]:6443", Kubeconfig.serverUrl("[::1]", 6443));
        assertEquals("https://kapi.example:443", Kubeconfig.serverUrl("kapi.example", 443));
    }

    @Test
    void writtenOwnerOnlyAndOnlyWhenChanged() throws Exception {
        Pki pki = Pki.ensure(dir.resolve("pki"), List.of());
        Path file = dir.resolve("admin.kubeconfig");
        assertTrue(Kubeconfig.write(file, "https://127.0.0.1:6443", pki));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Kubeconfig.write(file, "https://127.0.0.1:6443", pki));
        assertTrue(Kubeconfig.write(file, "https://127.0.0.1:7443", pki));
        assertTrue(Files.readString(file).contains("    server: https://127.0.0.1:7443\n"));
    }

    /** The real kubectl parses the file and finds the same cluster, credentials and context. */
    @Test
    void kubectlReadsIt() throws Exception {
        Kubectl.assumeInstalled();
        Pki pki = Pki.ensure(dir.resolve("pki"), List.of());
        Path file = dir.resolve("admin.kubeconfig");
        Kubeconfig.write(file, "https://127.0.0.1:6443", pki);

        Kubectl.Result ctx = Kubectl.run("--kubeconfig", file.toString(), "config", "current-context");
        assertEquals(0, ctx.exit(), ctx.out());
        assertEquals("kapi-admin@kapi", ctx.out().trim());

        Kubectl.Result view = Kubectl.run("--kubeconfig", file.toString(), "config", "view", "--raw");
        assertEquals(0, view.exit(), view.out());
        assertTrue(view.out().contains("server: https://127.0.0.1:6443"), view.out());
        assertTrue(view.out().contains("current-context: kapi-admin@kapi"), view.out());

        assertEquals(pki.pem(Pki.CA_CRT), decoded(file, "{.clusters[0].cluster.certificate-authority-data}"));
        assertEquals(pki.pem(Pki.ADMIN_CRT), decoded(file, "{.users[0].user.client-certificate-data}"));
        assertEquals(pki.pem(Pki.ADMIN_KEY), decoded(file, "{.users[0].user.client-key-data}"));
        Kubectl.Result ns = Kubectl.run("--kubeconfig", file.toString(), "config", "view", "--minify", "-o",
                "jsonpath={.contexts[0].context.namespace}");
        assertEquals("default", ns.out().trim());
    }

    private static String decoded(Path file, String jsonpath) throws Exception {
        Kubectl.Result r = Kubectl.run("--kubeconfig", file.toString(), "config", "view", "--raw", "-o", "jsonpath=" + jsonpath);
        assertEquals(0, r.exit(), r.out());
        return new String(Base64.getDecoder().decode(r.out().trim()), StandardCharsets.US_ASCII);
    }
}
