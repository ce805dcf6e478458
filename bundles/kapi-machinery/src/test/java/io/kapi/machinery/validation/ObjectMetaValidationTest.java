package io.kapi.machinery.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases after kube's pkg/api/validation/objectmeta_test.go, with kube's paths and messages. */
class ObjectMetaValidationTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode meta(String json) throws Exception {
        return (ObjectNode) M.readTree(json);
    }

    private static List<FieldCause> create(String json, boolean namespaced) throws Exception {
        return ObjectMetaValidation.validateObjectMeta(meta(json), namespaced, NameValidator.DNS1123_SUBDOMAIN);
    }

    @Test
    void validMeta() throws Exception {
        assertEquals(List.of(), create("{\"name\":\"cm\",\"namespace\":\"default\",\"labels\":{\"app\":\"x\",\"k8s.io/v\":\"\"},"
                + "\"annotations\":{\"Example.com/A\":\"anything goes\"},\"finalizers\":[\"kubernetes.io/pv-protection\"],"
                + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"1\",\"controller\":true}]}", true));
        assertEquals(List.of(), create("{\"generateName\":\"cm-\",\"name\":\"cm-abcde\"}", false));
    }

    @Test
    void nameAndNamespace() throws Exception {
        List<FieldCause> c = create("{}", true);
        assertEquals(2, c.size());
        assertEquals(new FieldCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name"), c.get(0));
        assertEquals(new FieldCause("FieldValueRequired", "Required value", "metadata.namespace"), c.get(1));
        c = create("{\"name\":\"Bad\",\"namespace\":\"my.ns\"}", true);
        assertEquals("metadata.name", c.get(0).field());
        assertTrue(c.get(0).message().startsWith("Invalid value: \"Bad\": a lowercase RFC 1123 subdomain"));
        assertEquals(FieldCause.invalid("metadata.namespace", "my.ns", "must not contain dots"), c.get(1));
        assertEquals(List.of(FieldCause.forbidden("metadata.namespace", "not allowed on this type")),
                create("{\"name\":\"n\",\"namespace\":\"default\"}", false));
        c = create("{\"generateName\":\"Bad-\"}", false);
        assertEquals("metadata.generateName", c.get(0).field());
        assertEquals("metadata.name", c.get(1).field());
        assertEquals(List.of(FieldCause.invalid("metadata.generation", -1L, "must be greater than or equal to 0")),
                create("{\"name\":\"n\",\"generation\":-1}", false));
    }

    @Test
    void labelsAnnotationsFinalizersOwners() throws Exception {
        List<FieldCause> c = create("{\"name\":\"n\",\"labels\":{\"bad key\":\"bad value!\"}}", false);
        assertEquals(2, c.size());
        assertEquals("metadata.labels", c.get(0).field());
        assertTrue(c.get(0).message().startsWith("Invalid value: \"bad key\": name part must consist of"));
        assertTrue(c.get(1).message().startsWith("Invalid value: \"bad value!\": a valid label must be an empty string"));

        String big = "x".repeat(ObjectMetaValidation.TOTAL_ANNOTATION_SIZE);
        c = create("{\"name\":\"n\",\"annotations\":{\"a\":\"" + big + "\"}}", false);
        assertEquals(List.of(new FieldCause("FieldValueTooLong", "Too long: may not be more than 262144 bytes", "metadata.annotations")), c);
        assertEquals(List.of(), create("{\"name\":\"n\",\"annotations\":{\"a\":\"" + big.substring(1) + "\"}}", false));

        c = create("{\"name\":\"n\",\"finalizers\":[\"orphan\",\"foregroundDeletion\",\"bad/one/two\"]}", false);
        assertEquals(2, c.size());
        assertTrue(c.get(0).message().startsWith("Invalid value: \"bad/one/two\": a qualified name"));
        assertEquals(FieldCause.invalid("metadata.finalizers", M.readTree("[\"orphan\",\"foregroundDeletion\",\"bad/one/two\"]"),
                "finalizer orphan and foregroundDeletion cannot be both set"), c.get(1));
        assertTrue(c.get(1).message().startsWith("Invalid value: [\"orphan\",\"foregroundDeletion\",\"bad/one/two\"]: finalizer"));

        c = create("{\"name\":\"n\",\"ownerReferences\":[{\"apiVersion\":\"a/b/c\"},"
                + "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"u\",\"controller\":true},"
                + "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"p\",\"uid\":\"u2\",\"controller\":true}]}", false);
        assertEquals(FieldCause.invalid("metadata.ownerReferences[0].apiVersion", "a/b/c", "must be <group>/<version> or <version>"), c.get(0));
        assertEquals(FieldCause.required("metadata.ownerReferences[0].kind", "must not be empty"), c.get(1));
        assertEquals(FieldCause.required("metadata.ownerReferences[0].name", "must not be empty"), c.get(2));
        assertEquals(FieldCause.required("metadata.ownerReferences[0].uid", "must not be empty"), c.get(3));
        assertEquals("metadata.ownerReferences[1]", c.get(4).field());
        assertTrue(c.get(4).message().endsWith(": /v1, Kind=Event is disallowed from being an owner"));
        assertEquals("metadata.ownerReferences", c.get(5).field());
        assertTrue(c.get(5).message().endsWith(": Only one reference can have Controller set to true. Found \"true\" in references for "
                + "Event/e and Pod/p"));
    }

    @Test
    void update() throws Exception {
        ObjectNode old = meta("{\"name\":\"a\",\"namespace\":\"ns\",\"uid\":\"1\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\",\"generation\":2}");
        assertEquals(List.of(), ObjectMetaValidation.validateObjectMetaUpdate(old.deepCopy(), old));
        ObjectNode changed = meta("{\"name\":\"b\",\"namespace\":\"other\",\"uid\":\"2\",\"creationTimestamp\":\"2025-01-01T00:00:00Z\","
                + "\"deletionTimestamp\":\"2025-01-01T00:00:00Z\",\"generation\":1}");
        List<FieldCause> c = ObjectMetaValidation.validateObjectMetaUpdate(changed, old);
        assertEquals(List.of(
                FieldCause.invalid("metadata.generation", 1L, "must not be decremented"),
                FieldCause.invalid("metadata.name", "b", "field is immutable"),
                FieldCause.invalid("metadata.namespace", "other", "field is immutable"),
                FieldCause.invalid("metadata.uid", "2", "field is immutable"),
                FieldCause.invalid("metadata.creationTimestamp", M.readTree("\"2025-01-01T00:00:00Z\""), "field is immutable"),
                FieldCause.invalid("metadata.deletionTimestamp", M.readTree("\"2025-01-01T00:00:00Z\""), "field is immutable")), c);
        assertEquals("Invalid value: \"2025-01-01T00:00:00Z\": field is immutable", c.get(4).message());

        ObjectNode deleting = meta("{\"name\":\"a\",\"deletionTimestamp\":\"t\",\"finalizers\":[\"x\"]}");
        ObjectNode added = meta("{\"name\":\"a\",\"deletionTimestamp\":\"t\",\"finalizers\":[\"x\",\"z\",\"y\"]}");
        assertEquals(List.of(FieldCause.forbidden("metadata.finalizers",
                "no new finalizers can be added if the object is being deleted, found new finalizers []string{\"y\", \"z\"}")),
                ObjectMetaValidation.validateObjectMetaUpdate(added, deleting));
        ObjectNode cleared = meta("{\"name\":\"a\"}");
        assertEquals(List.of(FieldCause.invalid("metadata.deletionTimestamp", M.nullNode(), "field is immutable")),
                ObjectMetaValidation.validateObjectMetaUpdate(cleared, deleting).subList(0, 1));
        assertEquals("Invalid value: null: field is immutable",
                ObjectMetaValidation.validateObjectMetaUpdate(cleared, deleting).get(0).message());
    }

    /** kube's validateKubeFinalizerName: a name without a domain is one of the three standard finalizers. */
    @org.junit.jupiter.api.Test
    void aBuiltInKindsFinalizerWithoutADomainIsAStandardOne() {
        com.fasterxml.jackson.databind.node.ArrayNode names = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                .add("kubernetes").add("orphan").add("foregroundDeletion").add("example.com/x").add("x");
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(io.kapi.api.rest.FieldCause.invalid("metadata.finalizers[4]", "x",
                "name is neither a standard finalizer name nor is it fully qualified")),
                ObjectMetaValidation.validateKubeFinalizerNames(names, "metadata.finalizers"));
    }
}
