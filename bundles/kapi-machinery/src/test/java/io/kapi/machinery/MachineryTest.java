package io.kapi.machinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.machinery.patch.Patches;
import io.kapi.machinery.patch.SmpSchema;
import io.kapi.machinery.selection.FieldSelector;
import io.kapi.machinery.selection.LabelSelector;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineryTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) M.readTree(s);
    }

    @Test
    void labelSelectorOperators() {
        Map<String, String> labels = Map.of("env", "prod", "tier", "web");
        assertTrue(LabelSelector.parse("env=prod").matches(labels));
        assertTrue(LabelSelector.parse("env==prod,tier").matches(labels));
        assertFalse(LabelSelector.parse("env!=prod").matches(labels));
        assertTrue(LabelSelector.parse("env in (dev, prod)").matches(labels));
        assertFalse(LabelSelector.parse("env notin (prod)").matches(labels));
        assertTrue(LabelSelector.parse("!missing").matches(labels));
        assertFalse(LabelSelector.parse("missing").matches(labels));
        assertTrue(LabelSelector.parse("").isEmpty());
    }

    @Test
    void badLabelSelectorIsBadRequest() {
        StatusException e = assertThrows(StatusException.class, () -> LabelSelector.parse("env in (prod"));
        assertEquals(400, e.code());
        assertThrows(StatusException.class, () -> LabelSelector.parse("a b"));
    }

    @Test
    void fieldSelector() {
        FieldSelector f = FieldSelector.parse("metadata.name=demo,type!=Opaque");
        assertEquals("demo", f.exactMatch("metadata.name"));
        assertTrue(f.matches(Map.of("metadata.name", "demo", "type", "x")));
        assertFalse(f.matches(Map.of("metadata.name", "demo", "type", "Opaque")));
        assertThrows(StatusException.class, () -> FieldSelector.parse("nonsense"));
    }

    @Test
    void namesAndMetadata() throws Exception {
        assertTrue(NameValidator.DNS1123_SUBDOMAIN.validate("a.b-c", false).isEmpty());
        assertFalse(NameValidator.DNS1123_SUBDOMAIN.validate("Bad_Name", false).isEmpty());
        assertFalse(NameValidator.DNS1123_LABEL.validate("a.b", false).isEmpty());
        var causes = ObjectMetaValidation.validateObjectMeta(json("{\"name\":\"Bad\",\"namespace\":\"default\"}"), true,
                NameValidator.DNS1123_SUBDOMAIN);
        assertEquals(1, causes.size());
        assertEquals("metadata.name", causes.get(0).field());
        assertTrue(causes.get(0).message().startsWith("Invalid value: \"Bad\": a lowercase RFC 1123 subdomain"));
        assertEquals("FieldValueRequired", ObjectMetaValidation.validateObjectMeta(json("{}"), false,
                NameValidator.DNS1123_SUBDOMAIN).get(0).type());
    }

    @Test
    void patches() throws Exception {
        ObjectNode cm = json("{\"metadata\":{\"name\":\"x\",\"finalizers\":[\"a\"]},\"data\":{\"a\":\"1\",\"b\":\"2\"}}");
        ObjectNode merged = Patches.apply(Patches.MERGE_PATCH, cm, "{\"data\":{\"b\":null,\"c\":\"3\"}}".getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta());
        assertEquals("{\"a\":\"1\",\"c\":\"3\"}", merged.get("data").toString());
        assertEquals("2", cm.get("data").get("b").asText(), "the original is untouched");
        ObjectNode smp = Patches.apply(Patches.STRATEGIC_MERGE_PATCH, cm,
                "{\"metadata\":{\"finalizers\":[\"b\"]},\"data\":{\"d\":\"4\"}}".getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta());
        // without $setElementOrder kube puts the patch's new items before the server's
        assertEquals("[\"b\",\"a\"]", smp.get("metadata").get("finalizers").toString());
        assertEquals("4", smp.get("data").get("d").asText());
        ObjectNode jp = Patches.apply(Patches.JSON_PATCH, cm,
                "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"9\"}]".getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta());
        assertEquals("9", jp.get("data").get("a").asText());
        StatusException failed = assertThrows(StatusException.class, () -> Patches.apply(Patches.JSON_PATCH, cm,
                "[{\"op\":\"remove\",\"path\":\"/data/zz\"}]".getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta()));
        assertEquals(422, failed.code());
        assertEquals(400, assertThrows(StatusException.class, () -> Patches.apply(Patches.MERGE_PATCH, cm,
                "{nope".getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta())).code());
        assertEquals(415, assertThrows(StatusException.class, () -> Patches.apply("application/apply-patch+yaml", cm,
                "{}".getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta())).code());
    }
}
