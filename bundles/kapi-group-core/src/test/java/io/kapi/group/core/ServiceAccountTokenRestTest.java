package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.ServiceAccountTokens;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serviceaccounts/token on the embedded store: kube's defaults, validation, bound objects and their errors. */
class ServiceAccountTokenRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00.750Z");
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    GenericStore accounts;
    GenericStore pods;
    final List<ServiceAccountTokens.Claims> issued = new ArrayList<>();
    ServiceAccountTokens issuer;
    ServiceAccountTokenRest tokens;
    final RequestContext ctx = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, "test");

    @BeforeEach
    void setUp() throws Exception {
        storage = EmbeddedStorage.open(dir);
        accounts = new GenericStore(new ResourceMeta("", "v1", "serviceaccounts", "ServiceAccount", true), new ServiceAccountStrategy(),
                storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, true, null));
        pods = new GenericStore(new ResourceMeta("", "v1", "pods", "Pod", true), new PodStrategy(), storage, NamespaceGuard.NONE,
                NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, true, null));
        issuer = new ServiceAccountTokens() {
            @Override
            public List<String> apiAudiences() {
                return List.of("https://kubernetes.default.svc.cluster.local");
            }

            @Override
            public String issue(Claims claims) {
                issued.add(claims);
                return "token-" + issued.size();
            }

            @Override
            public String openIdConfiguration() {
                return null;
            }

            @Override
            public String jsonWebKeySet() {
                return "{\"keys\":[]}";
            }
        };
        tokens = new ServiceAccountTokenRest(accounts, storage, () -> issuer, Clock.fixed(NOW, ZoneOffset.UTC));
        accounts.create(ctx, json("{\"metadata\":{\"name\":\"builder\"}}"));
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    private static ObjectNode request(String spec) throws Exception {
        return json("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"metadata\":{\"creationTimestamp\":null},"
                + "\"spec\":" + spec + "}");
    }

    @Test
    void aTokenForAnHourForTheApiAudiences() throws Exception {
        ObjectNode answer = tokens.create(ctx, "builder", request("{\"audiences\":null,\"expirationSeconds\":null,\"boundObjectRef\":null}"));
        assertEquals("token-1", answer.at("/status/token").asText());
        assertEquals("2026-12-07T13:00:00Z", answer.at("/status/expirationTimestamp").asText());
        assertEquals(3600, answer.at("/spec/expirationSeconds").asLong());
        assertEquals("{\"creationTimestamp\":\"2026-12-07T12:00:00Z\",\"name\":\"builder\",\"namespace\":\"default\"}",
                answer.get("metadata").toString());
        assertEquals("[\"https://kubernetes.default.svc.cluster.local\"]", answer.at("/spec/audiences").toString());
        ServiceAccountTokens.Claims claims = issued.get(0);
        assertEquals("default", claims.namespace());
        assertEquals("builder", claims.serviceAccountName());
        assertEquals(accounts.get(ctx, "builder", null).at("/metadata/uid").asText(), claims.serviceAccountUid());
        assertEquals(Instant.parse("2026-12-07T12:00:00Z"), claims.issuedAt());
        ObjectNode vault = tokens.create(ctx, "builder", request("{\"audiences\":[\"vault\"],\"expirationSeconds\":600}"));
        assertEquals("[\"vault\"]", vault.at("/spec/audiences").toString());
        assertEquals("2026-12-07T12:10:00Z", vault.at("/status/expirationTimestamp").asText());
    }

    @Test
    void kubesRefusals() throws Exception {
        StatusException missing = assertThrows(StatusException.class, () -> tokens.create(ctx, "nobody", request("{}")));
        assertEquals(404, missing.code());
        assertEquals("serviceaccounts \"nobody\" not found", missing.getMessage());
        assertEquals(404, assertThrows(StatusException.class, () -> tokens.create(ctx, "nobody", request("{\"expirationSeconds\":10}"))).code(),
                "kube looks the service account up before it validates the request");
        StatusException renamed = assertThrows(StatusException.class, () -> tokens.create(ctx, "builder",
                json("{\"metadata\":{\"name\":\"other\"},\"spec\":{}}")));
        assertEquals("TokenRequest.authentication.k8s.io \"builder\" is invalid: metadata.name: Invalid value: \"other\": "
                + "must match the service account name if specified", renamed.getMessage());
        StatusException elsewhere = assertThrows(StatusException.class, () -> tokens.create(ctx, "builder",
                json("{\"metadata\":{\"namespace\":\"kube-system\"},\"spec\":{}}")));
        assertEquals(422, elsewhere.code());
        StatusException shortLived = assertThrows(StatusException.class, () -> tokens.create(ctx, "builder", request("{\"expirationSeconds\":10}")));
        assertEquals(422, shortLived.code());
        assertEquals("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 10: "
                + "may not specify a duration less than 10 minutes", shortLived.getMessage());
        StatusException kind = assertThrows(StatusException.class, () -> tokens.create(ctx, "builder",
                request("{\"boundObjectRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d\"}}")));
        assertEquals(400, kind.code());
        assertEquals("cannot bind token to object of type apps/v1, Kind=Deployment", kind.getMessage());
        issuer = null;
        assertEquals(503, assertThrows(StatusException.class, () -> tokens.create(ctx, "builder", request("{}"))).code());
    }

    @Test
    void aTokenBoundToAPodNamesItsNode() throws Exception {
        ObjectNode pod = pods.create(ctx, json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"serviceAccountName\":\"builder\","
                + "\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
        String uid = pod.at("/metadata/uid").asText();
        tokens.create(ctx, "builder", request("{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\",\"uid\":\"" + uid + "\"}}"));
        assertEquals(new ServiceAccountTokens.BoundObject("web", uid), issued.get(0).pod());
        assertEquals(new ServiceAccountTokens.BoundObject("node-1", ""), issued.get(0).node(), "a node not stored is named without its uid");
        StatusException recreated = assertThrows(StatusException.class, () -> tokens.create(ctx, "builder",
                request("{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\",\"uid\":\"old\"}}")));
        assertEquals(409, recreated.code());
        assertEquals("Operation cannot be fulfilled on Pod \"web\": the UID in the bound object reference (old) does not match the UID "
                + "in record. The object might have been deleted and then recreated", recreated.getMessage());
        accounts.create(ctx, json("{\"metadata\":{\"name\":\"other\"}}"));
        StatusException otherAccount = assertThrows(StatusException.class, () -> tokens.create(ctx, "other",
                request("{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\"}}")));
        assertEquals(400, otherAccount.code());
        assertEquals("cannot bind token for serviceaccount \"other\" to pod running with different serviceaccount name.", otherAccount.getMessage());
        StatusException noPod = assertThrows(StatusException.class, () -> tokens.create(ctx, "builder",
                request("{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"gone\"}}")));
        assertEquals("pods \"gone\" not found", noPod.getMessage());
    }
}
