package io.kapi.group.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Getter;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.StorageBinding;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.Subresource;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.rest.Updater;
import io.kapi.api.storage.Storage;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.core.registry.StatusRest;
import io.kapi.machinery.apply.FieldManager;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CertificateSigningRequests as they are served: the provider's definition on the generic store and the
 * embedded store, with the storage binding the core hands it (its generic store honours the status
 * subresource) and the status store the core builds. The requestor recorded on create, the resource that
 * changes metadata only, and the split of the conditions between {@code /status} and {@code /approval}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CsrStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceMeta META = new ResourceMeta(CertificatesGroupProvider.GROUP, "v1", "certificatesigningrequests",
            CertificatesGroupProvider.KIND, false);
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    ResourceDefinition def;
    RestStore csrs;
    StatusRest status;
    Patcher approval;
    final UserInfo alice = new UserInfo("alice", "uid-1", List.of("dev", "system:authenticated"));
    final RequestContext ctx = new RequestContext("", alice, false, "kubectl");

    @BeforeEach
    void setUp() {
        storage = EmbeddedStorage.open(dir);
        def = new CertificatesGroupProvider().resources().get(0);
        // what the core's ServedResources does for a definition with a status subresource
        StorageBinding binding = new StorageBinding() {
            @Override
            public Storage storage() {
                return storage;
            }

            @Override
            public String keyPrefix() {
                return META.keyPrefix();
            }

            @Override
            public RestStore genericStore(Strategy strategy) {
                return new GenericStore(META, strategy, storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN,
                        new GenericStore.Options(null, true, null));
            }
        };
        csrs = (RestStore) def.storage().create(binding);
        status = new StatusRest(new GenericStore(META, def.strategy(), storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN,
                new GenericStore.Options(null, true, def.status())));
        approval = (Patcher) def.subresources().get(0).storage().create(binding);
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    private static String request() {
        return TestPki.json(TestPki.pem("CERTIFICATE REQUEST", TestPki.request()));
    }

    /** A create as the endpoint makes it: its fields recorded for the client first (kube tracks objects from their creation). */
    private ObjectNode create(String name, String extraSpec) throws Exception {
        return csrs.create(ctx, tracked("{\"apiVersion\":\"certificates.k8s.io/v1\",\"kind\":\"CertificateSigningRequest\","
                + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"request\":\"" + request() + "\",\"signerName\":\"example.com/signer\","
                + "\"usages\":[\"client auth\"]" + extraSpec + "}}"));
    }

    private static ObjectNode tracked(String body) throws Exception {
        ObjectNode o = json(body);
        new FieldManager(def().schema(), CertificatesGroupProvider.refs(CertificatesGroupProvider.OPENAPI), "certificates.k8s.io/v1")
                .update(null, o, "kubectl-create", "2024-01-01T00:00:00Z");
        return o;
    }

    private static ResourceDefinition def() {
        return new CertificatesGroupProvider().resources().get(0);
    }

    /** A write as the endpoint makes it: the client's object from the current one, decoded (defaults) first. */
    private Updater.UpdateResult write(Updater rest, String name, Consumer<ObjectNode> change, boolean statusPath) {
        return rest.update(ctx, name, current -> {
            ObjectNode body = current.deepCopy();
            change.accept(body);
            def.strategy().applyDefaults(body);
            if (statusPath) {
                def.status().prepareForUpdate(body, current);
            }
            return body;
        });
    }

    private static void addCondition(ObjectNode o, String type, String reason) {
        ObjectNode st = o.with("status");
        (st.get("conditions") instanceof com.fasterxml.jackson.databind.node.ArrayNode a ? a : st.putArray("conditions"))
                .addObject().put("type", type).put("status", "True").put("reason", reason);
    }

    @Test
    void definitionIsKubes() {
        CertificatesGroupProvider provider = new CertificatesGroupProvider();
        assertEquals("certificates.k8s.io", provider.group());
        assertEquals(List.of("v1"), provider.versions());
        assertEquals("certificatesigningrequests", def.plural());
        assertEquals("certificatesigningrequest", def.singular());
        assertEquals(List.of("csr"), def.shortNames());
        assertFalse(def.namespaced());
        assertTrue(def.status() != null);
        Subresource sub = def.subresources().get(0);
        assertEquals(List.of("approval", "certificates.k8s.io", "v1", "CertificateSigningRequest"),
                List.of(sub.name(), sub.group(), sub.version(), sub.kind()));
        assertTrue(approval instanceof Getter && approval instanceof Updater);
        assertFalse(approval instanceof RestStore, "get, update and patch only, as kube's ApprovalREST");
    }

    @Test
    void aCreateRecordsTheRequestorAndStartsPending() throws Exception {
        ObjectNode created = csrs.create(ctx, json("{\"metadata\":{\"name\":\"MyCSR\"},\"spec\":{\"request\":\"" + request() + "\","
                + "\"signerName\":\"example.com/signer\",\"usages\":[\"client auth\"],\"username\":\"mallory\",\"uid\":\"0\","
                + "\"groups\":[\"system:masters\"],\"extra\":{\"k\":[\"v\"]}},"
                + "\"status\":{\"conditions\":[{\"type\":\"Approved\",\"status\":\"True\"}]}}"));
        JsonNode spec = created.get("spec");
        assertEquals("alice", spec.path("username").asText());
        assertEquals("uid-1", spec.path("uid").asText());
        assertEquals(JSON.readTree("[\"dev\",\"system:authenticated\"]"), spec.get("groups"));
        assertFalse(spec.has("extra"), "the user info carries no extra attributes");
        List<String> order = new java.util.ArrayList<>();
        spec.fieldNames().forEachRemaining(order::add);
        assertEquals(List.of("request", "signerName", "usages", "username", "uid", "groups"), order, "Go's field order");
        assertEquals(json("{}"), created.get("status"), "no pre-approved requests");
        assertFalse(created.path("metadata").has("generation"));
        // any one path segment is a name; kube's Pending in the printer
        assertEquals("Pending", CsrStrategy.condition(created));
        StatusException slash = assertThrows(StatusException.class, () -> create("a/b", ""));
        assertEquals("CertificateSigningRequest.certificates.k8s.io \"a/b\" is invalid: metadata.name: Invalid value: \"a/b\": may not contain '/'",
                slash.getMessage());
        StatusException bad = assertThrows(StatusException.class, () -> csrs.create(ctx, json("{\"metadata\":{\"name\":\"x\"},"
                + "\"spec\":{\"request\":\"" + TestPki.json("hi") + "\",\"signerName\":\"example.com/s\",\"usages\":[\"any\"],\"expirationSeconds\":599}}")));
        assertEquals(422, bad.code());
        assertEquals("CertificateSigningRequest.certificates.k8s.io \"x\" is invalid: [spec.request: Invalid value: []byte{0x68, 0x69}: "
                + "PEM block type must be CERTIFICATE REQUEST, spec.expirationSeconds: Invalid value: 599: may not specify a duration "
                + "less than 600 seconds (10 minutes)]", bad.getMessage());
    }

    @Test
    void theResourceItselfChangesMetadataOnly() throws Exception {
        create("r", "");
        ObjectNode updated = write(csrs, "r", o -> {
            o.with("metadata").with("labels").put("team", "a");
            o.with("spec").put("signerName", "example.com/other");
            addCondition(o, "Approved", "sneaky");
        }, false).object();
        assertEquals("a", updated.at("/metadata/labels/team").asText());
        assertEquals("example.com/signer", updated.at("/spec/signerName").asText(), "kube keeps the stored spec");
        assertEquals(json("{}"), updated.get("status"));
    }

    @Test
    void statusWritesTheCertificateButNotTheApproval() throws Exception {
        create("s", "");
        String certificate = TestPki.json(TestPki.pem("CERTIFICATE", TestPki.certificate("CN=alice")));
        StatusException approve = assertThrows(StatusException.class, () -> write(status, "s", o -> addCondition(o, "Approved", "x"), true));
        assertEquals("CertificateSigningRequest.certificates.k8s.io \"s\" is invalid: status.conditions: Forbidden: updates may not add "
                + "a condition of type \"Approved\"", approve.getMessage());
        // approved through /approval, then the signer writes its certificate and a condition of its own through /status
        write(approval, "s", o -> addCondition(o, "Approved", "KubectlApprove"), false);
        ObjectNode issued = write(status, "s", o -> {
            o.with("status").put("certificate", certificate);
            o.with("spec").put("signerName", "example.com/changed");
            ObjectNode approved = (ObjectNode) o.at("/status/conditions/0");
            approved.put("reason", "rewritten");
            addCondition(o, "Issuing", "x");
        }, true).object();
        assertEquals(certificate, issued.at("/status/certificate").asText());
        assertEquals("example.com/signer", issued.at("/spec/signerName").asText());
        assertEquals("KubectlApprove", issued.at("/status/conditions/0/reason").asText(), "the stored Approved condition stays");
        assertEquals("Issuing", issued.at("/status/conditions/1/type").asText());
        assertFalse(issued.at("/status/conditions/1/lastUpdateTime").asText().isEmpty());
        assertEquals("Approved,Issued", CsrStrategy.condition(issued));
        StatusException again = assertThrows(StatusException.class, () -> write(status, "s",
                o -> o.with("status").put("certificate", TestPki.json(TestPki.pem("CERTIFICATE", TestPki.certificate("CN=other")))), true));
        assertEquals("CertificateSigningRequest.certificates.k8s.io \"s\" is invalid: status.certificate: Forbidden: updates may not "
                + "modify existing certificate content", again.getMessage());
        StatusException removed = assertThrows(StatusException.class, () -> write(status, "s", o -> o.with("status").remove("conditions"), true));
        assertTrue(removed.getMessage().contains("status.conditions: Forbidden: updates may not remove a condition of type \"Approved\""),
                removed.getMessage());
    }

    @Test
    void approvalWritesTheConditionsOnly() throws Exception {
        create("a", ",\"expirationSeconds\":86400");
        ObjectNode approved = write(approval, "a", o -> {
            addCondition(o, "Approved", "KubectlApprove");
            o.with("status").put("certificate", TestPki.json(TestPki.pem("CERTIFICATE", TestPki.certificate("CN=forged"))));
            o.with("spec").putArray("usages").add("server auth");
            o.with("metadata").with("annotations").put("note", "approved");
        }, false).object();
        JsonNode condition = approved.at("/status/conditions/0");
        assertEquals("Approved", condition.path("type").asText());
        assertEquals("KubectlApprove", condition.path("reason").asText());
        assertFalse(condition.path("lastUpdateTime").asText().isEmpty());
        assertEquals(condition.path("lastUpdateTime"), condition.path("lastTransitionTime"));
        assertFalse(approved.at("/status").has("certificate"), "the certificate is /status's");
        assertEquals(JSON.readTree("[\"client auth\"]"), approved.at("/spec/usages"));
        assertEquals("approved", approved.at("/metadata/annotations/note").asText(), "kube's approval strategy keeps the metadata written");
        // the stored object, not only the answer
        ObjectNode stored = csrs.get(ctx, "a", null);
        assertEquals("Approved", CsrStrategy.condition(stored));
        JsonNode entry = stored.at("/metadata/managedFields");
        assertTrue(entry.toString().contains("\"subresource\":\"approval\""), entry.toString());
        assertTrue(entry.toString().contains("\"manager\":\"kubectl\""), entry.toString());
        assertTrue(entry.toString().contains("\"f:conditions\""), entry.toString());
        assertFalse(entry.toString().contains("\"f:certificate\""), "the certificate written here was not taken: " + entry);
        // kube's condition rules
        StatusException both = assertThrows(StatusException.class, () -> write(approval, "a", o -> addCondition(o, "Denied", "no"), false));
        assertEquals("CertificateSigningRequest.certificates.k8s.io \"a\" is invalid: status.conditions[1].type: Invalid value: "
                + "\"Denied\": Approved and Denied conditions are mutually exclusive", both.getMessage());
        StatusException removal = assertThrows(StatusException.class, () -> write(approval, "a", o -> o.with("status").remove("conditions"), false));
        assertEquals("CertificateSigningRequest.certificates.k8s.io \"a\" is invalid: status.conditions: Forbidden: updates may not "
                + "remove a condition of type \"Approved\"", removal.getMessage());
        StatusException twice = assertThrows(StatusException.class, () -> write(approval, "a", o -> addCondition(o, "Approved", "again"), false));
        assertTrue(twice.getMessage().contains("status.conditions[1].type: Duplicate value: \"Approved\""), twice.getMessage());
        // the resource itself does not take the conditions away either
        write(csrs, "a", o -> o.with("status").remove("conditions"), false);
        ObjectNode after = csrs.get(ctx, "a", null);
        assertEquals("Approved", CsrStrategy.condition(after));
        assertEquals(List.of("a", "example.com/signer", "alice", "24h", "Approved"),
                List.of(cells(after).get(0), cells(after).get(2), cells(after).get(3), cells(after).get(4), cells(after).get(5)));
    }

    private List<Object> cells(ObjectNode o) {
        return ((TableConvertor) csrs).cells(o);
    }

    @Test
    void approvalCanDenyAndKeepsTransitionTimes() throws Exception {
        create("d", "");
        ObjectNode denied = write(approval, "d", o -> {
            addCondition(o, "Denied", "KubectlDeny");
            ((ObjectNode) o.at("/status/conditions/0")).put("lastTransitionTime", "2020-01-01T00:00:00Z");
        }, false).object();
        assertEquals("2020-01-01T00:00:00Z", denied.at("/status/conditions/0/lastTransitionTime").asText());
        ObjectNode again = write(approval, "d", o -> {
            ObjectNode c = (ObjectNode) o.at("/status/conditions/0");
            c.remove("lastTransitionTime");
            c.put("message", "still denied");
        }, false).object();
        assertEquals("2020-01-01T00:00:00Z", again.at("/status/conditions/0/lastTransitionTime").asText(),
                "a condition of the same type and status keeps its stored transition time");
        assertEquals("Denied", CsrStrategy.condition(again));
    }

    @Test
    void theSignerNameIsAFieldSelectorAndThePrinterIsKubes() throws Exception {
        create("one", "");
        csrs.create(ctx, json("{\"metadata\":{\"name\":\"two\"},\"spec\":{\"request\":\"" + request() + "\","
                + "\"signerName\":\"kubernetes.io/kube-apiserver-client\",\"usages\":[\"client auth\"],\"expirationSeconds\":600}}"));
        ObjectNode list = csrs.list(ctx, new ListOptions(null, "spec.signerName=kubernetes.io/kube-apiserver-client", 0, null, null, null,
                false, 0, null));
        assertEquals(1, list.path("items").size());
        assertEquals("two", list.at("/items/0/metadata/name").asText());
        StatusException unknown = assertThrows(StatusException.class, () -> csrs.list(ctx, new ListOptions(null, "spec.username=alice", 0,
                null, null, null, false, 0, null)));
        assertEquals(400, unknown.code());
        // kube's CSR conversion answers "field label not supported: spec.username"; the core picks its text by group
        assertTrue(unknown.getMessage().contains("spec.username"), unknown.getMessage());
        List<TableColumn> columns = ((TableConvertor) csrs).columns();
        assertEquals(List.of("Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"),
                columns.stream().map(TableColumn::name).toList());
        List<Object> cells = cells(csrs.get(ctx, "two", null));
        assertEquals(List.of("two", "kubernetes.io/kube-apiserver-client", "alice", "10m", "Pending"),
                List.of(cells.get(0), cells.get(2), cells.get(3), cells.get(4), cells.get(5)));
        assertEquals("<none>", cells(csrs.get(ctx, "one", null)).get(4));
        ObjectNode noSigner = json("{\"metadata\":{\"name\":\"z\"},\"spec\":{},\"status\":{\"conditions\":[{\"type\":\"Denied\"},"
                + "{\"type\":\"Approved\"},{\"type\":\"Failed\"}]}}");
        assertEquals(List.of("<none>", "", "<none>", "Denied,Failed"), cells(noSigner).subList(2, 6));
        assertEquals("24h", CsrStrategy.requestedDuration(json("{\"spec\":{\"expirationSeconds\":86400}}")));
    }

    @Test
    void undecodableBytesAreABadRequest() throws Exception {
        StatusException e = assertThrows(StatusException.class, () -> csrs.create(ctx, json("{\"metadata\":{\"name\":\"b\"},"
                + "\"spec\":{\"request\":\"not base64!\",\"signerName\":\"example.com/s\",\"usages\":[\"any\"]}}")));
        assertEquals(400, e.code());
        assertEquals("CertificateSigningRequest in version \"v1\" cannot be handled as a CertificateSigningRequest: "
                + "illegal base64 data at input byte 3", e.getMessage());
    }
}
