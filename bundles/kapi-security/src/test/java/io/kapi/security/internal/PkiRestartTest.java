package io.kapi.security.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.security.pki.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Karaf restart must reuse the PKI: {@link Pki#ensure} run twice with the inputs
 * {@link OSGiSecurityBootstrap} uses on a real start writes nothing the second time. In Karaf,
 * Apache SSHD (the Karaf shell) registers BouncyCastle as a JCA provider before Kapi starts, so
 * BC's "ECDSA" key factory is the one PEM keys are read with; this test does the same.
 */
class PkiRestartTest {
    @TempDir
    Path etc;

    @Test
    void aRestartWithBouncyCastleRegisteredReusesThePki() throws Exception {
        runWithBouncyCastle(false);
    }

    @Test
    void aRestartWithBouncyCastleAsFirstProviderReusesThePki() throws Exception {
        runWithBouncyCastle(true);
    }

    @Test
    void aRestartWithoutBouncyCastleReusesThePki() throws Exception {
        assertRestartReuses(etc.resolve("kapi").resolve("pki"));
    }

    private void runWithBouncyCastle(boolean first) throws Exception {
        boolean added = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null;
        if (added) {
            Provider bc = new BouncyCastleProvider();
            if (first) {
                Security.insertProviderAt(bc, 1);
            } else {
                Security.addProvider(bc);
            }
        }
        try {
            assertRestartReuses(etc.resolve("kapi").resolve("pki"));
        } finally {
            if (added) {
                Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            }
        }
    }

    private static void assertRestartReuses(Path dir) throws Exception {
        // the default configuration of PID io.kapi.server, as on a first start
        Set<String> names = OSGiSecurityBootstrap.hostNames(OSGiSecurityBootstrapTest.config(Map.of()));
        Pki first = Pki.ensure(dir, names);
        assertEquals(Set.of(Pki.CA_CRT, Pki.CA_KEY, Pki.SERVING_CRT, Pki.SERVING_KEY, Pki.ADMIN_CRT, Pki.ADMIN_KEY,
                Pki.KEYSTORE, Pki.TRUSTSTORE, Pki.PASSWORD), first.written());
        byte[] ca = Files.readAllBytes(first.file(Pki.CA_CRT));
        byte[] admin = Files.readAllBytes(first.file(Pki.ADMIN_CRT));
        String stores = first.storesFingerprint();

        Pki second = Pki.ensure(dir, OSGiSecurityBootstrap.hostNames(OSGiSecurityBootstrapTest.config(Map.of())));
        assertEquals(Set.of(), second.written(), "a restart writes nothing");
        assertArrayEquals(ca, Files.readAllBytes(second.file(Pki.CA_CRT)), "the CA is kept");
        assertArrayEquals(admin, Files.readAllBytes(second.file(Pki.ADMIN_CRT)), "the admin certificate is kept");
        assertEquals(stores, second.storesFingerprint(), "the stores are kept");
    }
}
