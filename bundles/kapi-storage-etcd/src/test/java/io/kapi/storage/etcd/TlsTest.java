package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS material as etcd deployments have it (PEM files made by openssl here), and an etcd that
 * serves https and demands client certificates.
 */
class TlsTest {

    private static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/openssl")), "openssl not installed");
        dir = Files.createTempDirectory("kapi-etcd-tls");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=kapi-test-ca");
        // etcd's serving certificate, valid for the loopback address the tests use
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=etcd");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
        // client keys in the three encodings met in the wild
        openssl("genrsa", "-traditional", "-out", "client-pkcs1.key", "2048");
        openssl("genpkey", "-algorithm", "RSA", "-out", "client-pkcs8.key");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "client-sec1.key");
        for (String k : List.of("pkcs1", "pkcs8", "sec1")) {
            openssl("req", "-new", "-key", "client-" + k + ".key", "-out", "client-" + k + ".csr", "-subj", "/CN=kapi-" + k);
            openssl("x509", "-req", "-in", "client-" + k + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", "client-" + k + ".pem", "-days", "2");
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (dir != null) {
            EtcdProcess.deleteTree(dir);
        }
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl " + args[0] + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    @Test
    void readsPkcs1Pkcs8AndSec1Keys() throws Exception {
        PrivateKey pkcs1 = Tls.privateKey(dir.resolve("client-pkcs1.key"));
        assertEquals("RSA", pkcs1.getAlgorithm());
        assertEquals("RSA", Tls.privateKey(dir.resolve("client-pkcs8.key")).getAlgorithm());
        assertEquals("EC", Tls.privateKey(dir.resolve("client-sec1.key")).getAlgorithm());
        assertEquals(1, Tls.certificates(dir.resolve("ca.pem")).size());
        assertThrows(IllegalArgumentException.class, () -> Tls.privateKey(dir.resolve("ca.pem")));
    }

    @Test
    void talksToEtcdOverMutualTls() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        try (EtcdProcess etcd = EtcdProcess.start("https", List.of(
                "--cert-file", dir.resolve("server.pem").toString(),
                "--key-file", dir.resolve("server.key").toString(),
                "--trusted-ca-file", dir.resolve("ca.pem").toString(),
                "--client-cert-auth"))) {
            for (String k : List.of("pkcs1", "pkcs8", "sec1")) {
                try (EtcdStorage s = new EtcdStorage(EtcdConfig.of(etcd.endpoint()).withPrefix("/" + k)
                        .withTls(dir.resolve("ca.pem"), dir.resolve("client-" + k + ".pem"), dir.resolve("client-" + k + ".key")))) {
                    KeyValue kv = s.create("/registry/tls/a", k.getBytes(StandardCharsets.UTF_8));
                    assertEquals(k, new String(s.get("/registry/tls/a").value(), StandardCharsets.UTF_8));
                    assertEquals(kv.modRevision(), s.currentRevision());
                }
            }
            // trusting the server is not enough: etcd wants a client certificate
            try (EtcdStorage anonymous = new EtcdStorage(EtcdConfig.of(etcd.endpoint())
                    .withTls(dir.resolve("ca.pem"), null, null))) {
                assertEquals(StorageException.Code.UNAVAILABLE,
                        assertThrows(StorageException.class, () -> anonymous.get("/registry/tls/a")).code());
            }
        }
    }
}
