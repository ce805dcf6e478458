package io.kapi.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The issuer's settings as kube's flags default them. */
class OSGiServiceAccountsTest {

    static OSGiServiceAccounts.Config config(Map<String, Object> values) {
        return (OSGiServiceAccounts.Config) Proxy.newProxyInstance(OSGiServiceAccountsTest.class.getClassLoader(),
                new Class<?>[] {OSGiServiceAccounts.Config.class}, (proxy, method, args) -> method.getName().equals("annotationType")
                        ? OSGiServiceAccounts.Config.class : values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    @Test
    void theKeySetIsAtTheServersExternalAddressUnlessConfiguredAndMustBeHttps() {
        assertEquals("https://127.0.0.1:6443/openid/v1/jwks", OSGiServiceAccounts.jwksUri(config(Map.of())));
        assertEquals("https://[fd00::5]:7443/openid/v1/jwks",
                OSGiServiceAccounts.jwksUri(config(Map.of("advertiseAddress", "fd00::5", "securePort", 7443))));
        assertEquals("https://keys.example/jwks", OSGiServiceAccounts.jwksUri(config(Map.of("serviceAccountJwksUri", "https://keys.example/jwks"))));
        assertNull(OSGiServiceAccounts.jwksUri(config(Map.of("serviceAccountJwksUri", "http://keys.example/jwks"))),
                "kube serves no discovery for a key set that is not https; the tokens are not affected");
    }

    @Test
    void theApiAudiencesAreTheIssuerUnlessListed() {
        assertEquals(List.of("https://issuer"), OSGiServiceAccounts.audiences(" ", "https://issuer"));
        assertEquals(List.of("a", "b"), OSGiServiceAccounts.audiences("a, b,", "https://issuer"));
    }
}
