package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.server.KapiRuntime;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Issue 11, the JSON side through the server: every kind of kube's own round-trip fixtures (k8s.io/api
 * v0.32.0 testdata/HEAD, copied to bundles/kapi-protobuf/src/test/resources/kube-roundtrip; objects the
 * fuzzer filled with every field) is sent, over HTTPS, to the real server as a dry-run create.
 *
 * <p>Which fixture kinds are resources, and at which URL, comes from the server's discovery
 * (GET /api/v1, /apis/&lt;group&gt;/&lt;version&gt;: kind → plural, namespaced, verbs, status subresource),
 * never from a table here. Fixture kinds that are not REST resources at all are skipped by {@link #NOT_RESOURCES}
 * (each with its reason); kinds kube serves only as a subresource of an existing object are skipped by
 * {@link #SUBRESOURCE_KINDS}, after checking discovery lists them as such; kinds of groups the server does not
 * serve, and resources without the create verb, are only reported on System.out.
 *
 * <ol>
 * <li>Field completeness: the fixture (name, namespace replaced; resourceVersion dropped, the one metadata field
 * kube refuses on create) POSTed with dryRun=All&amp;fieldValidation=Strict must never be answered with a strict
 * decoding error (unknown or duplicate field), a 500, a 415 or a 406. Kube decodes into Go types that know every
 * field; the fuzzer's values being mostly invalid, 422 is fine. The control: the same body with one field more
 * (top level, and in spec) is refused with kube's "strict decoding error: unknown field" (so the check can fail).</li>
 * <li>Round trip: where the fixture is accepted (201) as it is or with the two metadata fields kube's
 * ObjectMeta validation refuses for every fuzzed value (generateName, finalizers: not DNS / qualified names)
 * dropped, the answer keeps every leaf the fixture set outside metadata (status only where the resource has a
 * status subresource or is a create-only review, whose status the server computes), with kube's known strategy
 * differences (Secret stringData folded into data; the Namespace "kubernetes" finalizer), and kube's create
 * semantics on the system metadata (uid, creationTimestamp replaced; deletion fields cleared; a cluster-scoped
 * object's namespace cleared). selfLink is not checked: kube's dry-run create skips the storage step that clears it.
 * Review kinds follow their kube REST: see {@link #REVIEWS_ECHOING_THE_REQUEST}.</li>
 * <li>Protobuf: for every creatable kind, kube's .pb fixture with its ObjectMeta rewritten the same way, sent as
 * application/vnd.kubernetes.protobuf, gets the same code and message as the JSON fixture (same validation errors,
 * or for the accepted kinds the same object); the accepted objects asked as protobuf carry the "k8s\0" envelope
 * with the right kind; every listable resource lists as protobuf (kind &lt;Kind&gt;List).</li>
 * </ol>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KubeFixturesRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** Fixture kinds that are no REST resource (never in any discovery resource list), and why. */
    static final Map<String, String> NOT_RESOURCES = Map.ofEntries(
            Map.entry("core.v1.APIGroup", "discovery document (GET /apis/<group>), not a resource"),
            Map.entry("core.v1.APIVersions", "discovery document (GET /api), not a resource"),
            Map.entry("core.v1.Status", "error / result envelope"),
            Map.entry("core.v1.WatchEvent", "watch stream envelope"),
            Map.entry("core.v1.CreateOptions", "query parameter kind"),
            Map.entry("core.v1.DeleteOptions", "query parameter / DELETE body kind"),
            Map.entry("core.v1.GetOptions", "query parameter kind"),
            Map.entry("core.v1.ListOptions", "query parameter kind"),
            Map.entry("core.v1.PatchOptions", "query parameter kind"),
            Map.entry("core.v1.UpdateOptions", "query parameter kind"),
            Map.entry("core.v1.NodeProxyOptions", "nodes/proxy option kind"),
            Map.entry("core.v1.PodAttachOptions", "pods/attach option kind"),
            Map.entry("core.v1.PodExecOptions", "pods/exec option kind"),
            Map.entry("core.v1.PodLogOptions", "pods/log option kind"),
            Map.entry("core.v1.PodPortForwardOptions", "pods/portforward option kind"),
            Map.entry("core.v1.PodProxyOptions", "pods/proxy option kind"),
            Map.entry("core.v1.ServiceProxyOptions", "services/proxy option kind"),
            Map.entry("core.v1.PodStatusResult", "kubelet-internal kind, never served"),
            Map.entry("core.v1.SerializedReference", "created-by annotation payload, never served"),
            Map.entry("core.v1.RangeAllocation", "kube stores it (service IP / port allocators) but serves no REST resource for it"));

    /** Fixture kinds kube serves only as the subresource of an existing object (a dry-run create needs the parent). */
    static final Map<String, String> SUBRESOURCE_KINDS = Map.of(
            "autoscaling.v1.Scale", "*/scale",
            "policy.v1.Eviction", "pods/eviction");

    /** Fixture kinds the README documents as not served, and why (reported, not failed). */
    static final Map<String, String> DOCUMENTED_NOT_SERVED = Map.of(
            "authentication.k8s.io.v1.TokenRequest",
            "serviceaccounts/token: no service account issuer / signing key (README, Limitations)");

    /**
     * The create-only review kinds whose kube REST answers the decoded object itself with its status filled in
     * (tokenreview, subjectaccessreview, localsubjectaccessreview, selfsubjectaccessreview storage): their spec and
     * metadata come back as sent. SelfSubjectReview and SelfSubjectRulesReview answer a new object instead
     * (only a creationTimestamp, resp. an empty spec, and the computed status).
     */
    static final java.util.Set<String> REVIEWS_ECHOING_THE_REQUEST = java.util.Set.of(
            "authentication.k8s.io.v1.TokenReview", "authorization.k8s.io.v1.SubjectAccessReview",
            "authorization.k8s.io.v1.LocalSubjectAccessReview", "authorization.k8s.io.v1.SelfSubjectAccessReview");

    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    @Configuration
    public Option[] config() throws Exception {
        List<Option> options = new ArrayList<>(List.of(KapiContainer.options()));
        // the IT's working directory is itests/: the fixtures are read from the source tree
        options.add(CoreOptions.systemProperty("kapi.test.kubeFixtures")
                .value(new File("../bundles/kapi-protobuf/src/test/resources/kube-roundtrip").getCanonicalPath()));
        return options.toArray(new Option[0]);
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    /** A fixture, and the resource discovery says serves its kind (null when none). */
    static final class Fixture {
        final String key;
        final String group;
        final String version;
        final String kind;
        final JsonNode json;
        final byte[] pb;
        Resource resource;

        Fixture(String key, JsonNode json, byte[] pb) {
            this.key = key;
            this.json = json;
            this.pb = pb;
            String rest = key;
            this.kind = rest.substring(rest.lastIndexOf('.') + 1);
            rest = rest.substring(0, rest.lastIndexOf('.'));
            this.version = rest.substring(rest.lastIndexOf('.') + 1);
            String g = rest.substring(0, rest.lastIndexOf('.'));
            this.group = g.equals("core") ? "" : g;
        }

        String groupVersionPath() {
            return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        }

        String collection() {
            return groupVersionPath() + (resource.namespaced ? "/namespaces/default/" : "/") + resource.name;
        }
    }

    static final class Resource {
        String name;
        boolean namespaced;
        List<String> verbs = new ArrayList<>();
        boolean statusSubresource;
    }

    private static List<Fixture> fixtures;
    private static List<String> discoveryFailures;

    private ApiClient api;

    private ApiClient api() throws Exception {
        if (api == null) {
            api = new ApiClient(Integer.parseInt(System.getProperty("kapi.test.securePort")));
            RuntimeWaits.await(context, runtime, "default namespace", () -> {
                try {
                    return api.get("/api/v1/namespaces/default").statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        return api;
    }

    /** The fixtures and the resources discovery maps them to (once per container). */
    private synchronized List<Fixture> fixtures() throws Exception {
        if (fixtures != null) {
            return fixtures;
        }
        Path dir = Path.of(System.getProperty("kapi.test.kubeFixtures"));
        List<Fixture> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList())) {
                String key = f.getFileName().toString().replaceAll("\\.json$", "");
                all.add(new Fixture(key, JSON.readTree(f.toFile()), Files.readAllBytes(dir.resolve(key + ".pb"))));
            }
        }
        assertEquals("fixture kinds in " + dir, 74, all.size());
        Map<String, JsonNode> discovery = new TreeMap<>();
        discovery.put("/api/v1", JSON.readTree(api().get("/api/v1").body()));
        for (JsonNode g : JSON.readTree(api().get("/apis").body()).path("groups")) {
            for (JsonNode v : g.path("versions")) {
                String gv = "/apis/" + v.path("groupVersion").asText();
                HttpResponse<String> r = api().get(gv);
                assertEquals(gv + ": " + r.body(), 200, r.statusCode());
                discovery.put(gv, JSON.readTree(r.body()));
            }
        }
        StringBuilder notServed = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (Fixture f : all) {
            String gv = f.groupVersionPath();
            JsonNode list = discovery.get(gv);
            if (NOT_RESOURCES.containsKey(f.key)) {
                continue;
            }
            if (DOCUMENTED_NOT_SERVED.containsKey(f.key)) {
                notServed.append(String.format("  %-55s documented as not served: %s%n", f.key, DOCUMENTED_NOT_SERVED.get(f.key)));
                continue;
            }
            if (list == null) {
                notServed.append(String.format("  %-55s group version not served%n", f.key));
                continue;
            }
            for (JsonNode r : list.path("resources")) {
                if (r.path("kind").asText().equals(f.kind) && !r.path("name").asText().contains("/") && f.resource == null) {
                    Resource res = new Resource();
                    res.name = r.path("name").asText();
                    res.namespaced = r.path("namespaced").asBoolean();
                    r.path("verbs").forEach(v -> res.verbs.add(v.asText()));
                    f.resource = res;
                }
            }
            if (f.resource != null) {
                for (JsonNode r : list.path("resources")) {
                    if (r.path("name").asText().equals(f.resource.name + "/status")) {
                        f.resource.statusSubresource = true;
                    }
                }
            } else if (SUBRESOURCE_KINDS.containsKey(f.key)) {
                // a subresource is listed in its parent's group version, with its own group and version
                List<String> where = new ArrayList<>();
                discovery.forEach((parent, l) -> l.path("resources").forEach(r -> {
                    String rg = r.has("group") ? r.path("group").asText() : "";
                    if (r.path("name").asText().contains("/") && r.path("kind").asText().equals(f.kind) && rg.equals(f.group)
                            && r.path("version").asText(f.version).equals(f.version)) {
                        where.add(parent + " " + r.path("name").asText());
                    }
                }));
                if (where.isEmpty()) {
                    failures.add(f.key + ": kube serves it as " + SUBRESOURCE_KINDS.get(f.key) + ", no discovery document lists a subresource of that kind");
                } else {
                    notServed.append(String.format("  %-55s subresource only: %s%n", f.key, where));
                }
            } else {
                failures.add(f.key + ": kube 1.32 serves it as a resource, discovery of " + gv + " lists no resource of kind " + f.kind
                        + " (resources of that kind: " + subresourcesOfKind(discovery, f.kind) + ")");
            }
            if (f.resource != null && !f.resource.verbs.contains("create")) {
                notServed.append(String.format("  %-55s %s has no create verb %s (only the protobuf list is checked)%n", f.key, f.resource.name, f.resource.verbs));
            }
        }
        System.out.println("KubeFixturesRoundTripIT: fixture kinds not checked by a create:\n" + notServed);
        discoveryFailures = failures;
        fixtures = all;
        return all;
    }

    private static List<String> subresourcesOfKind(Map<String, JsonNode> discovery, String kind) {
        List<String> out = new ArrayList<>();
        discovery.forEach((gv, l) -> l.path("resources").forEach(r -> {
            if (r.path("kind").asText().equals(kind)) {
                out.add(gv + " " + r.path("name").asText());
            }
        }));
        return out;
    }

    /** Every fixture kind kube serves as a resource (or subresource) of a served group is in the server's discovery. */
    @Test
    public void discoveryListsEveryFixtureKind() throws Exception {
        fixtures();
        if (discoveryFailures.stream().anyMatch(m -> m.startsWith("core.v1.Binding:"))) {
            HttpResponse<String> r = api().post("/api/v1/namespaces/default/bindings?dryRun=All",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"no-such-pod\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
            System.out.println("KubeFixturesRoundTripIT: POST /api/v1/namespaces/default/bindings?dryRun=All -> " + r.statusCode() + " " + r.body());
        }
        assertTrue("discovery:\n" + String.join("\n", discoveryFailures), discoveryFailures.isEmpty());
    }

    private List<Fixture> creatable() throws Exception {
        return fixtures().stream().filter(f -> f.resource != null && f.resource.verbs.contains("create")).collect(Collectors.toList());
    }

    private static String uniqueName(Fixture f) {
        return "rt-" + f.kind.toLowerCase() + "-" + SEQUENCE.incrementAndGet();
    }

    /** The fixture with a valid unique name, namespace default, without resourceVersion (and, when {@code lenient}, generateName and finalizers). */
    private static ObjectNode body(Fixture f, boolean lenient) {
        ObjectNode body = f.json.deepCopy();
        ObjectNode meta = (ObjectNode) body.path("metadata");
        meta.put("name", uniqueName(f));
        meta.put("namespace", "default");
        meta.remove("resourceVersion");
        if (lenient) {
            meta.remove("generateName");
            meta.remove("finalizers");
        }
        return body;
    }

    private static String dryRun(Fixture f) {
        return f.collection() + "?dryRun=All&fieldValidation=Strict";
    }

    @Test
    public void everyKindDecodesStrictlyWithEveryField() throws Exception {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (Fixture f : creatable()) {
            for (boolean lenient : new boolean[] {false, true}) {
                HttpResponse<String> r = api().post(dryRun(f), JSON.writeValueAsString(body(f, lenient)));
                int code = r.statusCode();
                String message = code == 201 ? "" : JSON.readTree(r.body()).path("message").asText(r.body());
                table.append(String.format("  %-55s %-7s %d %s%n", f.key, lenient ? "lenient" : "full", code,
                        message.length() > 160 ? message.substring(0, 160) + "…" : message));
                String lower = message.toLowerCase();
                if (code == 500 || code == 415 || code == 406 || lower.contains("strict decoding error")
                        || lower.contains("unknown field") || lower.contains("duplicate field")
                        || !(code == 201 || code == 422 || code == 400)) {
                    failures.add(f.key + (lenient ? " (lenient)" : "") + ": " + code + " " + r.body());
                }
            }
        }
        // the control: the same bodies with one field kube's types do not have are refused by the strict decoder
        // (else the check above could not fail), at the top level and, where the kind has a spec, inside it
        for (Fixture f : creatable()) {
            ObjectNode top = body(f, true);
            top.put("rtUnknownField", 1);
            expectUnknownField(failures, f, top, "rtUnknownField");
            if (f.json.path("spec").isObject()) {
                ObjectNode nested = body(f, true);
                ((ObjectNode) nested.path("spec")).put("rtUnknownField", 1);
                expectUnknownField(failures, f, nested, "spec.rtUnknownField");
            }
        }
        System.out.println("KubeFixturesRoundTripIT: dry-run creates of the fixtures:\n" + table);
        assertTrue("fixtures refused by decoding:\n" + String.join("\n", failures), failures.isEmpty());
    }

    private void expectUnknownField(List<String> failures, Fixture f, ObjectNode body, String path) throws Exception {
        HttpResponse<String> r = api().post(dryRun(f), JSON.writeValueAsString(body));
        String expected = "strict decoding error: unknown field \"" + path + "\"";
        if (r.statusCode() != 400 || !JSON.readTree(r.body()).path("message").asText().contains(expected)) {
            failures.add(f.key + " with " + path + ": expected 400 " + expected + ", answered " + r.statusCode() + " " + r.body());
        }
    }

    /** The first accepted variant of the fixture's JSON (full, else lenient metadata), or null. */
    private JsonNode accepted(Fixture f, boolean[] lenientOut, ObjectNode[] sent) throws Exception {
        for (boolean lenient : new boolean[] {false, true}) {
            ObjectNode body = body(f, lenient);
            HttpResponse<String> r = api().post(dryRun(f), JSON.writeValueAsString(body));
            if (r.statusCode() == 201) {
                lenientOut[0] = lenient;
                sent[0] = body;
                return JSON.readTree(r.body());
            }
        }
        return null;
    }

    @Test
    public void acceptedKindsKeepEveryFixtureField() throws Exception {
        List<String> failures = new ArrayList<>();
        List<String> acceptedKinds = new ArrayList<>();
        for (Fixture f : creatable()) {
            boolean[] lenient = new boolean[1];
            ObjectNode[] sent = new ObjectNode[1];
            JsonNode answer = accepted(f, lenient, sent);
            if (answer == null) {
                continue;
            }
            acceptedKinds.add(f.key + (lenient[0] ? " (lenient)" : ""));
            List<String> diffs = new ArrayList<>();
            assertEquals(f.key, f.kind, answer.path("kind").asText());
            JsonNode meta = answer.path("metadata");
            JsonNode fixtureMeta = f.json.path("metadata");
            boolean review = !f.resource.verbs.contains("get");
            if (review && !REVIEWS_ECHOING_THE_REQUEST.contains(f.key)) {
                // kube answers a new object: nothing of the request's metadata or spec, a computed status
                for (String field : List.of("name", "labels", "annotations", "ownerReferences", "uid")) {
                    if (meta.has(field)) {
                        diffs.add("metadata." + field + ": kube answers a new " + f.kind + ", answered " + meta.path(field));
                    }
                }
                if (answer.path("spec").size() != 0) {
                    diffs.add("spec: kube answers a new " + f.kind + " without the request's spec, answered " + answer.path("spec"));
                }
                if (answer.path("status").size() == 0) {
                    diffs.add("status: kube computes it, answered " + answer.path("status"));
                }
                if (!diffs.isEmpty()) {
                    failures.add(f.key + ":\n    " + String.join("\n    ", diffs) + "\n    answer: " + answer);
                }
                continue;
            }
            check(diffs, "metadata.name", sent[0].path("metadata").path("name"), meta.path("name"));
            if (f.resource.namespaced) {
                check(diffs, "metadata.namespace", sent[0].path("metadata").path("namespace"), meta.path("namespace"));
            } else if (meta.has("namespace")) {
                diffs.add("metadata.namespace: kube clears a cluster-scoped object's namespace, answered " + meta.path("namespace"));
            }
            for (String field : List.of("labels", "annotations", "ownerReferences")) {
                compare(diffs, "metadata." + field, fixtureMeta.path(field), meta.path(field));
            }
            // kube's store (rest.BeforeCreate, FillObjectMetaSystemFields) on the system metadata; a review is no stored object
            if (!review && (meta.path("uid").asText().isEmpty() || meta.path("uid").equals(fixtureMeta.path("uid")))) {
                diffs.add("metadata.uid: kube sets a new uid on create, answered " + meta.path("uid"));
            }
            if (!review && (meta.path("creationTimestamp").asText().isEmpty() || meta.path("creationTimestamp").equals(fixtureMeta.path("creationTimestamp")))) {
                diffs.add("metadata.creationTimestamp: kube sets it on create, answered " + meta.path("creationTimestamp"));
            }
            for (String cleared : List.of("deletionTimestamp", "deletionGracePeriodSeconds")) {
                if (!review && meta.has(cleared)) {
                    diffs.add("metadata." + cleared + ": kube clears it on create, answered " + meta.path(cleared));
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = f.json.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = e.getKey();
                if (field.equals("kind") || field.equals("apiVersion") || field.equals("metadata")) {
                    continue;
                }
                if (field.equals("status") && (f.resource.statusSubresource || !f.resource.verbs.contains("get"))) {
                    continue; // kube resets the status on create / computes a review's status
                }
                if (f.key.equals("core.v1.Secret") && field.equals("stringData")) {
                    // kube's v1 conversion folds stringData into data (base64) and never returns stringData
                    if (answer.has("stringData")) {
                        diffs.add("stringData: kube folds it into data, answered " + answer.path("stringData"));
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> s = e.getValue().fields(); s.hasNext();) {
                        Map.Entry<String, JsonNode> kv = s.next();
                        String expected = Base64.getEncoder().encodeToString(kv.getValue().asText().getBytes(StandardCharsets.UTF_8));
                        check(diffs, "data." + kv.getKey() + " (from stringData)", JSON.getNodeFactory().textNode(expected),
                                answer.path("data").path(kv.getKey()));
                    }
                    continue;
                }
                JsonNode expected = e.getValue();
                if (f.key.equals("core.v1.Namespace") && field.equals("spec")) {
                    // kube's namespace strategy (PrepareForCreate) appends the "kubernetes" finalizer when it is missing
                    expected = expected.deepCopy();
                    ((com.fasterxml.jackson.databind.node.ArrayNode) expected.path("finalizers")).add("kubernetes");
                }
                compare(diffs, field, expected, answer.path(field));
            }
            if (!diffs.isEmpty()) {
                failures.add(f.key + (lenient[0] ? " (lenient)" : "") + ":\n    " + String.join("\n    ", diffs) + "\n    answer: " + answer);
            }
        }
        System.out.println("KubeFixturesRoundTripIT: accepted by a dry-run create: " + acceptedKinds.size() + " " + acceptedKinds);
        assertTrue("no fixture accepted: the round trip checks nothing", acceptedKinds.size() >= 5);
        assertTrue("accepted objects differ from the fixture:\n" + String.join("\n", failures), failures.isEmpty());
    }

    /** Every leaf of {@code expected} is in {@code actual} with the same value (defaulted additions allowed). */
    private static void compare(List<String> diffs, String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                diffs.add(path + ": expected an object " + expected + ", answered " + actual);
                return;
            }
            if (expected.size() == 0 && actual.size() != 0) {
                return; // an empty struct that defaulting filled
            }
            expected.fields().forEachRemaining(e -> compare(diffs, path + "." + e.getKey(), e.getValue(), actual.path(e.getKey())));
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                diffs.add(path + ": expected " + expected + ", answered " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(diffs, path + "[" + i + "]", expected.get(i), actual.get(i));
            }
        } else {
            check(diffs, path, expected, actual);
        }
    }

    private static void check(List<String> diffs, String path, JsonNode expected, JsonNode actual) {
        boolean same = expected.isNumber() && actual.isNumber() ? expected.decimalValue().compareTo(actual.decimalValue()) == 0 : expected.equals(actual);
        if (!same) {
            diffs.add(path + ": expected " + expected + ", answered " + (actual.isMissingNode() ? "(missing)" : actual));
        }
    }

    @Test
    public void protobufBodiesAndAnswers() throws Exception {
        HttpClient http = Distribution.insecureClient();
        List<String> failures = new ArrayList<>();
        int listed = 0;
        int posted = 0;
        int compared = 0;
        for (Fixture f : fixtures()) {
            if (f.resource == null) {
                continue;
            }
            if (f.resource.verbs.contains("list")) {
                HttpResponse<byte[]> list = http.send(api().request(f.collection()).setHeader("Accept", PROTOBUF).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                String listKind = envelopeKind(list.body());
                if (list.statusCode() != 200 || !(f.kind + "List").equals(listKind)) {
                    failures.add(f.key + ": protobuf list " + list.statusCode() + " kind " + listKind + " " + printable(list.body()));
                }
                listed++;
            }
            if (!f.resource.verbs.contains("create")) {
                continue;
            }
            // every kind: kube's .pb fixture (metadata rewritten) decodes to the object its .json fixture decodes to,
            // so the server answers both with the same code and message (the same validation errors, or the same object)
            ObjectNode jsonBody = body(f, true);
            String sameName = jsonBody.path("metadata").path("name").asText();
            HttpResponse<String> fromJson = api().post(dryRun(f), JSON.writeValueAsString(jsonBody));
            HttpResponse<String> fromProtobuf = http.send(api().request(dryRun(f)).header("Content-Type", PROTOBUF)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(rewriteMetadata(f.pb, sameName, true))).build(), HttpResponse.BodyHandlers.ofString());
            String jsonMessage = JSON.readTree(fromJson.body()).path("message").asText();
            String protobufMessage = JSON.readTree(fromProtobuf.body()).path("message").asText();
            // a message printing the object in Go syntax carries its managed fields' time, stamped at each request: two
            // requests a second apart differ there and nowhere else
            if (fromJson.statusCode() != fromProtobuf.statusCode()
                    || !withoutGoTimes(jsonMessage).equals(withoutGoTimes(protobufMessage))) {
                failures.add(f.key + ": the JSON fixture answers " + fromJson.statusCode() + " " + jsonMessage
                        + "\n    the protobuf fixture answers " + fromProtobuf.statusCode() + " " + protobufMessage);
            }
            compared++;
            boolean[] lenient = new boolean[1];
            ObjectNode[] sent = new ObjectNode[1];
            JsonNode jsonAnswer = accepted(f, lenient, sent);
            if (jsonAnswer == null) {
                continue;
            }
            posted++;
            // the JSON body, answered as protobuf
            HttpResponse<byte[]> asPb = http.send(api().request(dryRun(f)).setHeader("Accept", PROTOBUF).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sent[0]))).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (asPb.statusCode() != 201 || !f.kind.equals(envelopeKind(asPb.body()))) {
                failures.add(f.key + ": JSON create answered as protobuf " + asPb.statusCode() + " kind " + envelopeKind(asPb.body()) + " " + printable(asPb.body()));
            }
            // kube's protobuf fixture, its ObjectMeta rewritten like the JSON body, sent as protobuf
            String name = sent[0].path("metadata").path("name").asText();
            byte[] pbBody = rewriteMetadata(f.pb, name, lenient[0]);
            HttpResponse<String> fromPb = http.send(api().request(dryRun(f)).header("Content-Type", PROTOBUF)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(pbBody)).build(), HttpResponse.BodyHandlers.ofString());
            if (fromPb.statusCode() != 201) {
                failures.add(f.key + ": protobuf create " + fromPb.statusCode() + " " + fromPb.body());
                continue;
            }
            JsonNode pbAnswer = JSON.readTree(fromPb.body());
            List<String> diffs = new ArrayList<>();
            JsonNode expected = withoutVolatileMetadata(jsonAnswer);
            JsonNode actual = withoutVolatileMetadata(pbAnswer);
            if (!expected.equals(actual)) {
                compare(diffs, "", expected, actual);
                compare(diffs, "(extra in protobuf answer)", actual, expected);
                failures.add(f.key + ": protobuf create answers differently from the JSON create:\n    " + String.join("\n    ", diffs));
            }
        }
        System.out.println("KubeFixturesRoundTripIT: protobuf lists " + listed + ", JSON/protobuf fixture answers compared " + compared
                + ", accepted protobuf creates " + posted);
        assertTrue("no JSON/protobuf comparison", compared >= 40);
        assertTrue("nothing listed as protobuf", listed >= 40);
        assertTrue("nothing created from protobuf", posted >= 5);
        assertTrue("protobuf:\n" + String.join("\n", failures), failures.isEmpty());
    }

    /** The answer without what differs between two creates of the same object: uid, creationTimestamp, managedFields. */
    private static JsonNode withoutVolatileMetadata(JsonNode answer) {
        ObjectNode copy = answer.deepCopy();
        ObjectNode meta = (ObjectNode) copy.path("metadata");
        meta.remove(List.of("uid", "creationTimestamp", "managedFields"));
        return copy;
    }

    private static String printable(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", ".");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    // --- a minimal protobuf wire-format reader and writer: kube's envelope (runtime.Unknown) and ObjectMeta ---

    /** The kind in a "k8s\0" + runtime.Unknown envelope (typeMeta = 1 {apiVersion = 1, kind = 2}), or null. */
    static String envelopeKind(byte[] body) {
        if (body.length < 4 || body[0] != MAGIC[0] || body[1] != MAGIC[1] || body[2] != MAGIC[2] || body[3] != MAGIC[3]) {
            return null;
        }
        Map<Integer, byte[]> unknown = fields(body, 4, body.length);
        byte[] typeMeta = unknown.get(1);
        if (typeMeta == null) {
            return null;
        }
        byte[] kind = fields(typeMeta, 0, typeMeta.length).get(2);
        return kind == null ? null : new String(kind, StandardCharsets.UTF_8);
    }

    /** The length-delimited fields of a message, by number (the last occurrence; other wire types skipped). */
    private static Map<Integer, byte[]> fields(byte[] b, int from, int to) {
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        for (Field field : parse(b, from, to)) {
            if ((field.tag & 7) == 2) {
                out.put(field.tag >>> 3, field.payload(b));
            }
        }
        return out;
    }

    private static final class Field {
        int tag;
        int start; // the first byte of the tag
        int end; // after the field
        int payloadStart;

        byte[] payload(byte[] b) {
            return java.util.Arrays.copyOfRange(b, payloadStart, end);
        }
    }

    private static List<Field> parse(byte[] b, int from, int to) {
        List<Field> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            Field field = new Field();
            field.start = pos[0];
            field.tag = (int) varint(b, pos);
            switch (field.tag & 7) {
                case 0:
                    varint(b, pos);
                    break;
                case 1:
                    pos[0] += 8;
                    break;
                case 2:
                    int length = (int) varint(b, pos);
                    field.payloadStart = pos[0];
                    pos[0] += length;
                    break;
                case 5:
                    pos[0] += 4;
                    break;
                default:
                    throw new IllegalArgumentException("wire type " + (field.tag & 7) + " at " + field.start);
            }
            field.end = pos[0];
            out.add(field);
        }
        if (pos[0] != to) {
            throw new IllegalArgumentException("message overruns its end");
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long value = 0;
        for (int shift = 0;; shift += 7) {
            byte x = b[pos[0]++];
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void writeBytes(ByteArrayOutputStream out, int number, byte[] payload) {
        writeVarint(out, (number << 3) | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
    }

    /**
     * The .pb fixture with its object's ObjectMeta (field 1 of every kube object) rewritten as the JSON body is:
     * name (1) and namespace (3) replaced, resourceVersion (6) dropped, and when {@code lenient} generateName (2) and
     * finalizers (14) too; every other byte as kube wrote it.
     */
    static byte[] rewriteMetadata(byte[] pb, String name, boolean lenient) {
        ByteArrayOutputStream envelope = new ByteArrayOutputStream();
        envelope.writeBytes(MAGIC);
        for (Field field : parse(pb, 4, pb.length)) {
            if (field.tag == ((2 << 3) | 2)) {
                byte[] raw = field.payload(pb);
                ByteArrayOutputStream object = new ByteArrayOutputStream();
                for (Field of : parse(raw, 0, raw.length)) {
                    if (of.tag == ((1 << 3) | 2)) {
                        byte[] meta = of.payload(raw);
                        ByteArrayOutputStream newMeta = new ByteArrayOutputStream();
                        writeBytes(newMeta, 1, name.getBytes(StandardCharsets.UTF_8));
                        writeBytes(newMeta, 3, "default".getBytes(StandardCharsets.UTF_8));
                        for (Field mf : parse(meta, 0, meta.length)) {
                            int number = mf.tag >>> 3;
                            if (number == 1 || number == 3 || number == 6 || (lenient && (number == 2 || number == 14))) {
                                continue;
                            }
                            newMeta.write(meta, mf.start, mf.end - mf.start);
                        }
                        writeBytes(object, 1, newMeta.toByteArray());
                    } else {
                        object.write(raw, of.start, of.end - of.start);
                    }
                }
                writeBytes(envelope, 2, object.toByteArray());
            } else {
                envelope.write(pb, field.start, field.end - field.start);
            }
        }
        return envelope.toByteArray();
    }

    /** {@code message} with every Go {@code time.Date(…)} printed in it replaced by one placeholder. */
    static String withoutGoTimes(String message) {
        return message.replaceAll("time\\.Date\\(\\d+, time\\.\\w+, \\d+, \\d+, \\d+, \\d+, \\d+, time\\.\\w+\\)", "time.Date(…)");
    }
}
