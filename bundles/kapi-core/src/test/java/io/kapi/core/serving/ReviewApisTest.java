package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.core.json.Json;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The review APIs the core serves, through the whole server as kube serves them: create-only in
 * discovery, 201 for a review, nothing stored, dry run answered the same, LocalSubjectAccessReview under
 * its namespace.
 */
class ReviewApisTest extends ServingTestBase {
    private static final String AUTHZ = "/apis/authorization.k8s.io/v1";
    private static final String AUTHN = "/apis/authentication.k8s.io/v1";

    @BeforeEach
    void served() {
        serveWidgets();
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    /** Each resource's namespaced flag and verbs, as discovery lists them. */
    private Map<String, String> discovery(String path) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode r : json(call("GET", path, null)).get("resources")) {
            out.put(r.get("name").asText(), r.get("namespaced").asText() + " " + r.get("verbs") + " " + r.get("kind").asText());
        }
        return out;
    }

    @Test
    void discoveryListsThemCreateOnly() throws Exception {
        assertEquals(Map.of(
                "localsubjectaccessreviews", "true [\"create\"] LocalSubjectAccessReview",
                "selfsubjectaccessreviews", "false [\"create\"] SelfSubjectAccessReview",
                "selfsubjectrulesreviews", "false [\"create\"] SelfSubjectRulesReview",
                "subjectaccessreviews", "false [\"create\"] SubjectAccessReview"), discovery(AUTHZ));
        assertEquals(Map.of(
                "selfsubjectreviews", "false [\"create\"] SelfSubjectReview",
                "tokenreviews", "false [\"create\"] TokenReview"), discovery(AUTHN));
        assertEquals(405, call("GET", AUTHZ + "/subjectaccessreviews", null).status, "nothing to list: nothing is stored");
    }

    @Test
    void reviewsAreCreatedAndNothingIsStored() throws Exception {
        long revision = storage.currentRevision();
        FakeHttp.Response sar = call("POST", AUTHZ + "/subjectaccessreviews",
                "{\"spec\":{\"groups\":[\"system:masters\"],\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"nodes\"}}}");
        assertEquals(201, sar.status, sar.text());
        assertEquals("{\"allowed\":true}", json(sar).get("status").toString());
        FakeHttp.Response dry = call("POST", AUTHZ + "/subjectaccessreviews?dryRun=All",
                "{\"spec\":{\"user\":\"jane\",\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"nodes\"}}}");
        assertEquals(201, dry.status, dry.text());
        assertEquals("{\"allowed\":false}", json(dry).get("status").toString());

        FakeHttp.Response local = call("POST", AUTHZ + "/namespaces/ns1/localsubjectaccessreviews",
                "{\"spec\":{\"user\":\"jane\",\"resourceAttributes\":{\"namespace\":\"ns2\",\"verb\":\"get\",\"resource\":\"pods\"}}}");
        assertEquals(422, local.status, local.text());
        JsonNode status = json(local);
        assertEquals(".authorization.k8s.io \"\" is invalid: spec.resourceAttributes.namespace: Invalid value: \"ns2\": "
                + "must match metadata.namespace", status.get("message").asText());
        assertEquals("Invalid", status.get("reason").asText());
        assertEquals("spec.resourceAttributes.namespace", status.at("/details/causes/0/field").asText());
        FakeHttp.Response inNs = call("POST", AUTHZ + "/namespaces/ns1/localsubjectaccessreviews",
                "{\"spec\":{\"groups\":[\"system:masters\"],\"resourceAttributes\":{\"namespace\":\"ns1\",\"verb\":\"get\",\"resource\":\"pods\"}}}");
        assertEquals(201, inNs.status, inNs.text());
        assertEquals("ns1", json(inNs).at("/metadata/namespace").asText());

        // the test authorizer lists no rules: kube's answer for such an authorizer
        FakeHttp.Response rules = call("POST", AUTHZ + "/selfsubjectrulesreviews", "{\"spec\":{\"namespace\":\"default\"}}");
        assertEquals(201, rules.status, rules.text());
        assertEquals("{\"resourceRules\":[],\"nonResourceRules\":[],\"incomplete\":true,"
                + "\"evaluationError\":\"authorizer does not support user rule resolution\"}", json(rules).get("status").toString());
        assertEquals(revision, storage.currentRevision(), "no review is stored");
    }

    @Test
    void aTokenReviewAsksTheServersAuthenticators() throws Exception {
        FakeHttp.Response good = call("POST", AUTHN + "/tokenreviews", "{\"spec\":{\"token\":\"t\"}}");
        assertEquals(201, good.status, good.text());
        assertEquals("{\"authenticated\":true,\"user\":{\"username\":\"admin\",\"groups\":[\"system:masters\",\"system:authenticated\"]},"
                + "\"audiences\":[\"https://kubernetes.default.svc.cluster.local\"]}", json(good).get("status").toString());
        FakeHttp.Response bad = call("POST", AUTHN + "/tokenreviews?dryRun=All", "{\"spec\":{\"token\":\"nope\"}}");
        assertEquals(201, bad.status, bad.text());
        // the test authenticator has no opinion on other tokens: no credential, as when no token authenticator runs
        assertEquals("{\"user\":{}}", json(bad).get("status").toString());
        FakeHttp.Response empty = call("POST", AUTHN + "/tokenreviews", "{\"spec\":{}}");
        assertEquals(400, empty.status, empty.text());
        assertEquals("token is required for TokenReview in authentication", json(empty).get("message").asText());
        assertTrue(json(call("POST", AUTHN + "/selfsubjectreviews", "{}")).at("/status/userInfo/username").asText().equals("admin"));
    }
}
