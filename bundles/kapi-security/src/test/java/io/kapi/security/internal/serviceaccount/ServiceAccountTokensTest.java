package io.kapi.security.internal.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.SignedJWT;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.ServiceAccountTokens.BoundObject;
import io.kapi.api.server.ServiceAccountTokens.Claims;
import io.kapi.security.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountTokensTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final String JWKS = "https://10.0.0.5:6443/openid/v1/jwks";

    @TempDir
    Path dir;

    private final Map<String, ObjectNode> objects = new HashMap<>();

    private void put(String resource, String namespace, String name, String uid, String deletionTimestamp) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode m = o.putObject("metadata").put("name", name).put("uid", uid);
        if (deletionTimestamp != null) {
            m.put("deletionTimestamp", deletionTimestamp);
        }
        objects.put(resource + "/" + namespace + "/" + name, o);
    }

    private ServiceAccountAuthenticator authenticator(ServiceAccountKey key, Instant at) {
        return new ServiceAccountAuthenticator(ISSUER, List.of(ISSUER), key, (r, ns, n) -> objects.get(r + "/" + ns + "/" + n),
                Clock.fixed(at, ZoneOffset.UTC));
    }

    private static HttpServletRequest bearer(String token) {
        return TestCa.request(Map.of(), Map.of("Authorization", "Bearer " + token));
    }

    private static Claims claims(List<String> audiences, BoundObject pod) {
        return new Claims("team", "builder", "sa-uid", audiences, NOW, 3600, pod, null, pod == null ? null : new BoundObject("node-1", ""));
    }

    @Test
    void theKeyPairIsCreatedOnceAndKeptWithKubesKeyId() throws Exception {
        ServiceAccountKey first = ServiceAccountKey.ensure(dir);
        ServiceAccountKey again = ServiceAccountKey.ensure(dir);
        assertEquals(first.publicKey(), again.publicKey());
        assertEquals(43, first.keyId().length(), "unpadded base64url of a SHA-256");
        assertTrue(Files.readString(dir.resolve(ServiceAccountKey.PRIVATE)).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve(ServiceAccountKey.PUBLIC)).startsWith("-----BEGIN PUBLIC KEY-----"));
        Files.delete(dir.resolve(ServiceAccountKey.PUBLIC));
        assertEquals(first.publicKey(), ServiceAccountKey.ensure(dir).publicKey(), "the public key written again from the private key");
        Files.delete(dir.resolve(ServiceAccountKey.PRIVATE));
        assertThrows(java.io.IOException.class, () -> ServiceAccountKey.ensure(dir), "a public key alone is refused, not replaced");
    }

    @Test
    void aTokenCarriesKubesClaimsAndAuthenticatesItsServiceAccount() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.ensure(dir);
        ServiceAccountTokenIssuer issuer = new ServiceAccountTokenIssuer(ISSUER, List.of(ISSUER), key, JWKS);
        put("serviceaccounts", "team", "builder", "sa-uid", null);
        put("pods", "team", "p1", "pod-uid", null);
        String token = issuer.issue(claims(List.of(ISSUER), new BoundObject("p1", "pod-uid")));
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals("ES256", jwt.getHeader().getAlgorithm().getName());
        assertEquals(key.keyId(), jwt.getHeader().getKeyID());
        assertEquals("system:serviceaccount:team:builder", jwt.getJWTClaimsSet().getSubject());
        assertEquals(NOW.plusSeconds(3600), jwt.getJWTClaimsSet().getExpirationTime().toInstant());
        assertEquals(Map.of("namespace", "team", "serviceaccount", Map.of("name", "builder", "uid", "sa-uid"),
                "pod", Map.of("name", "p1", "uid", "pod-uid"), "node", Map.of("name", "node-1")),
                jwt.getJWTClaimsSet().getJSONObjectClaim("kubernetes.io"));

        UserInfo user = authenticator(key, NOW.plusSeconds(10)).authenticate(bearer(token));
        assertEquals("system:serviceaccount:team:builder", user.name());
        assertEquals("sa-uid", user.uid());
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"), user.groups());
        assertEquals(List.of("p1"), user.extra().get("authentication.kubernetes.io/pod-name"));
        assertEquals(List.of("node-1"), user.extra().get("authentication.kubernetes.io/node-name"));
        assertEquals(List.of("JTI=" + jwt.getJWTClaimsSet().getJWTID()), user.extra().get("authentication.kubernetes.io/credential-id"));
        assertNotEquals(token, issuer.issue(claims(List.of(ISSUER), new BoundObject("p1", "pod-uid"))), "each token its own jti");
    }

    @Test
    void whatIsNotThisIssuersTokenIsLeftToOthersAndABadOneIsRefused() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.ensure(dir);
        ServiceAccountTokenIssuer issuer = new ServiceAccountTokenIssuer(ISSUER, List.of(ISSUER), key, JWKS);
        put("serviceaccounts", "team", "builder", "sa-uid", null);
        ServiceAccountAuthenticator authn = authenticator(key, NOW);
        assertNull(authn.authenticate(bearer("a-static-token")));
        assertNull(authn.authenticate(TestCa.request(Map.of(), Map.of())));
        String foreign = new ServiceAccountTokenIssuer("https://elsewhere", List.of(ISSUER), key, JWKS).issue(claims(List.of(ISSUER), null));
        assertNull(authn.authenticate(bearer(foreign)), "another issuer's token is another authenticator's");

        String good = issuer.issue(claims(List.of(ISSUER), null));
        assertEquals("system:serviceaccount:team:builder", authn.authenticate(bearer(good)).name());
        Path other = Files.createDirectory(dir.resolve("other"));
        String forged = new ServiceAccountTokenIssuer(ISSUER, List.of(ISSUER), ServiceAccountKey.ensure(other), JWKS).issue(claims(List.of(ISSUER), null));
        String wrongAudience = issuer.issue(claims(List.of("vault"), null));
        String podGone = issuer.issue(claims(List.of(ISSUER), new BoundObject("gone", "u")));
        for (String refused : List.of(forged, wrongAudience, podGone)) {
            assertEquals(401, assertThrows(StatusException.class, () -> authn.authenticate(bearer(refused))).code());
        }
        // expired: an hour and more than a minute of leeway later
        assertEquals(401, assertThrows(StatusException.class,
                () -> authenticator(key, NOW.plusSeconds(3600 + 61)).authenticate(bearer(good))).code());
        assertEquals("system:serviceaccount:team:builder", authenticator(key, NOW.plusSeconds(3600 + 59)).authenticate(bearer(good)).name());
        // the service account recreated (another uid), or deleted for over a minute
        put("serviceaccounts", "team", "builder", "new-uid", null);
        assertEquals(401, assertThrows(StatusException.class, () -> authn.authenticate(bearer(good))).code());
        put("serviceaccounts", "team", "builder", "sa-uid", NOW.minusSeconds(61).toString());
        assertEquals(401, assertThrows(StatusException.class, () -> authn.authenticate(bearer(good))).code());
        put("serviceaccounts", "team", "builder", "sa-uid", NOW.minusSeconds(30).toString());
        assertEquals("system:serviceaccount:team:builder", authn.authenticate(bearer(good)).name());
    }

    @Test
    void theDiscoveryDocumentsLetOthersVerifyTheTokens() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.ensure(dir);
        ServiceAccountTokenIssuer issuer = new ServiceAccountTokenIssuer(ISSUER, List.of(ISSUER), key, JWKS);
        assertEquals("{\"issuer\":\"https://kubernetes.default.svc.cluster.local\",\"jwks_uri\":\"https://10.0.0.5:6443/openid/v1/jwks\","
                + "\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"ES256\"]}", issuer.openIdConfiguration());
        com.nimbusds.jose.jwk.JWKSet keys = com.nimbusds.jose.jwk.JWKSet.parse(issuer.jsonWebKeySet());
        assertEquals(1, keys.getKeys().size());
        com.nimbusds.jose.jwk.ECKey published = (com.nimbusds.jose.jwk.ECKey) keys.getKeyByKeyId(key.keyId());
        assertEquals("sig", published.getKeyUse().identifier());
        assertEquals("ES256", published.getAlgorithm().getName());
        assertTrue(!published.isPrivate(), "only the public key is published");
        SignedJWT jwt = SignedJWT.parse(issuer.issue(claims(List.of(ISSUER), null)));
        assertTrue(jwt.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(published)));
        // kube serves discovery only for an https issuer without query or fragment
        assertNull(new ServiceAccountTokenIssuer("kapi", List.of("kapi"), key, JWKS).openIdConfiguration());
        assertNull(new ServiceAccountTokenIssuer("https://kapi.example?x=1", List.of("kapi"), key, JWKS).openIdConfiguration());
    }

    @Test
    void aCallerMayAskForOtherAudiencesAsTokenReviewDoes() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.ensure(dir);
        ServiceAccountTokenIssuer issuer = new ServiceAccountTokenIssuer(ISSUER, List.of(ISSUER), key, JWKS);
        put("serviceaccounts", "team", "builder", "sa-uid", null);
        ServiceAccountAuthenticator authn = authenticator(key, NOW);
        String vault = issuer.issue(claims(List.of("vault", "other"), null));
        HttpServletRequest forVault = TestCa.request(Map.of(io.kapi.api.server.TokenAudiences.REQUESTED, List.of("vault")),
                Map.of("Authorization", "Bearer " + vault));
        assertEquals("system:serviceaccount:team:builder", authn.authenticate(forVault).name());
        assertEquals(List.of("vault"), forVault.getAttribute(io.kapi.api.server.TokenAudiences.ACCEPTED));
        // not for the API's audiences, which a request asking for none is checked for
        assertEquals(401, assertThrows(StatusException.class, () -> authn.authenticate(bearer(vault))).code());
    }
}
