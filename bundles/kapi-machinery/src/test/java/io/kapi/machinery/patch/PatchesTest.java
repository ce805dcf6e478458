package io.kapi.machinery.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The three patch types through the facade, and kube-apiserver's status for each bad body. */
class PatchesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String CM = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"finalizers\":[\"a\"],"
            + "\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"o1\"},{\"uid\":\"2\",\"name\":\"o2\"}]},\"data\":{\"a\":\"1\",\"b\":\"2\"}}";

    private static ObjectNode cm() throws Exception {
        return (ObjectNode) M.readTree(CM);
    }

    private static ObjectNode apply(String type, String body) throws Exception {
        return Patches.apply(type, cm(), body.getBytes(StandardCharsets.UTF_8), SmpSchema.objectMeta());
    }

    private static StatusException fails(String type, String body) {
        return fails(type, body, FieldValidation.WARN);
    }

    private static StatusException fails(String type, String body, FieldValidation mode) {
        return assertThrows(StatusException.class, () -> Patches.apply(type, cm(), body.getBytes(StandardCharsets.UTF_8),
                SmpSchema.objectMeta(), mode));
    }

    private static void status(StatusException e, int code, String reason, String message) {
        assertEquals(code, e.code());
        assertEquals(reason, e.reason());
        assertEquals(message, e.getMessage());
    }

    @Test
    void jsonPatch() throws Exception {
        ObjectNode out = apply(Patches.JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"9\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"k\":\"v\"}},{\"op\":\"remove\",\"path\":\"/data/b\"},"
                + "{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"9\"},{\"op\":\"test\",\"path\":\"/data/missing\",\"value\":null},"
                + "{\"op\":\"move\",\"from\":\"/data/a\",\"path\":\"/data/c\"},{\"op\":\"copy\",\"from\":\"/data/c\",\"path\":\"/data/d\"}]");
        assertEquals("{\"c\":\"9\",\"d\":\"9\"}", out.get("data").toString());
        assertEquals("v", out.at("/metadata/labels/k").asText());
        assertEquals(cm(), apply(Patches.JSON_PATCH, "null"));
        assertEquals(cm(), apply(Patches.JSON_PATCH, "[]"));
    }

    @Test
    void failingJsonPatchIsTheGeneric422AndChangesNothing() throws Exception {
        String invalid = "the server rejected our request due to an error in our request";
        for (String body : new String[] {
            "[{\"op\":\"remove\",\"path\":\"/data/zz\"}]",
            "[{\"op\":\"replace\",\"path\":\"/data/zz\",\"value\":\"1\"}]",
            "[{\"op\":\"add\",\"path\":\"/nope/deeper\",\"value\":\"1\"}]",
            "[{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"2\"}]",
            "[{\"op\":\"move\",\"from\":\"/nope\",\"path\":\"/data/c\"}]",
            "[{\"op\":\"bogus\",\"path\":\"/data\"}]",
            "[{\"path\":\"/data\"}]",
            "[null]"}) {
            status(fails(Patches.JSON_PATCH, body), 422, "Invalid", invalid);
        }
        ObjectNode current = cm();
        assertThrows(StatusException.class, () -> Patches.apply(Patches.JSON_PATCH, current,
                "[{\"op\":\"remove\",\"path\":\"/data/a\"},{\"op\":\"remove\",\"path\":\"/data/zz\"}]".getBytes(StandardCharsets.UTF_8), null));
        assertEquals(cm(), current, "a failed patch leaves the object as it was");
    }

    @Test
    void malformedJsonPatch() {
        status(fails(Patches.JSON_PATCH, "{nope"), 400, "BadRequest",
                "error decoding patch: invalid character 'n' looking for beginning of object key string");
        status(fails(Patches.JSON_PATCH, "{}"), 400, "BadRequest",
                "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp");
        status(fails(Patches.JSON_PATCH, "[1]"), 400, "BadRequest",
                "error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp");
        status(fails(Patches.JSON_PATCH, "[{\"op\":1}]", FieldValidation.STRICT), 400, "BadRequest",
                "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string");
        status(fails(Patches.JSON_PATCH, "", FieldValidation.WARN), 400, "BadRequest", "error decoding patch: unexpected end of JSON input");
        status(fails(Patches.JSON_PATCH, "{nope", FieldValidation.IGNORE), 400, "BadRequest",
                "invalid character 'n' looking for beginning of object key string");
        status(fails(Patches.JSON_PATCH, "{}", FieldValidation.IGNORE), 400, "BadRequest",
                "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        status(fails(Patches.JSON_PATCH, "[\"x\"]", FieldValidation.IGNORE), 400, "BadRequest",
                "json: cannot unmarshal string into Go value of type jsonpatch.Operation");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= Patches.MAX_JSON_PATCH_OPERATIONS; i++) {
            many.append(i == 0 ? "" : ",").append("{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"ConfigMap\"}");
        }
        status(fails(Patches.JSON_PATCH, many.append("]").toString()), 413, "RequestEntityTooLarge",
                "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
    }

    @Test
    void jsonPatchThatLeavesNoObject() {
        StatusException e = fails(Patches.JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]");
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        assertEquals(" \"\" is invalid: patch: Invalid value: \"[1]\": couldn't get version/kind; json parse error: json: cannot unmarshal "
                + "array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string "
                + "\"json:\\\"kind,omitempty\\\"\" }", e.getMessage());
    }

    @Test
    void mergePatch() throws Exception {
        ObjectNode out = apply(Patches.MERGE_PATCH, "{\"data\":{\"b\":null,\"c\":\"3\"},\"metadata\":{\"finalizers\":[\"z\"],"
                + "\"labels\":{\"k\":\"v\",\"gone\":null}}}");
        assertEquals("{\"a\":\"1\",\"c\":\"3\"}", out.get("data").toString());
        assertEquals("[\"z\"]", out.at("/metadata/finalizers").toString(), "merge patch replaces lists");
        assertEquals("{\"k\":\"v\"}", out.at("/metadata/labels").toString(), "nulls in new objects are dropped");
        assertEquals(out, Patches.apply("application/merge-patch+json; charset=utf-8", cm(),
                "{\"data\":{\"b\":null,\"c\":\"3\"},\"metadata\":{\"finalizers\":[\"z\"],\"labels\":{\"k\":\"v\",\"gone\":null}}}"
                        .getBytes(StandardCharsets.UTF_8), null));
    }

    @Test
    void rfc7386Examples() throws Exception {
        String[][] cases = {
            {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
            {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
            {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
            {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
            {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
            {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
            {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
            {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
            {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
            {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
            {"{\"a\":\"foo\"}", "null", "null"},
            {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
            {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
            {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
            {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
        };
        for (String[] c : cases) {
            JsonNode target = M.readTree(c[0]);
            JsonNode result = MergePatch.apply(target, M.readTree(c[1]));
            assertEquals(M.readTree(c[2]), result, c[0] + " + " + c[1]);
            assertEquals(M.readTree(c[0]), target, "the target is not changed");
        }
    }

    @Test
    void malformedMergePatch() {
        status(fails(Patches.MERGE_PATCH, "{nope"), 400, "BadRequest",
                "error decoding patch: invalid character 'n' looking for beginning of object key string");
        status(fails(Patches.MERGE_PATCH, "[1]"), 400, "BadRequest",
                "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}");
        status(fails(Patches.MERGE_PATCH, "null"), 400, "BadRequest", "Invalid JSON Patch");
        status(fails(Patches.MERGE_PATCH, "{nope", FieldValidation.IGNORE), 400, "BadRequest", "Invalid JSON Patch");
        status(fails(Patches.MERGE_PATCH, "5", FieldValidation.IGNORE), 400, "BadRequest", "Invalid JSON Patch");
        status(fails(Patches.MERGE_PATCH, "", FieldValidation.IGNORE), 400, "BadRequest", "Invalid JSON Patch");
        assertEquals(422, fails(Patches.MERGE_PATCH, "[1]", FieldValidation.IGNORE).code());
    }

    @Test
    void strategicMergePatch() throws Exception {
        ObjectNode out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"finalizers\":[\"b\"],"
                + "\"ownerReferences\":[{\"uid\":\"2\",\"name\":\"renamed\"},{\"uid\":\"3\",\"name\":\"o3\"},{\"uid\":\"1\",\"$patch\":\"delete\"}]},"
                + "\"data\":{\"a\":null,\"d\":\"4\"}}");
        assertEquals("{\"b\":\"2\",\"d\":\"4\"}", out.get("data").toString());
        assertEquals("[\"b\",\"a\"]", out.at("/metadata/finalizers").toString());
        assertEquals("[{\"uid\":\"2\",\"name\":\"renamed\"},{\"uid\":\"3\",\"name\":\"o3\"}]", out.at("/metadata/ownerReferences").toString());

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"$setElementOrder/finalizers\":[\"a\",\"b\"],\"finalizers\":[\"b\"]}}");
        assertEquals("[\"a\",\"b\"]", out.at("/metadata/finalizers").toString(), "$setElementOrder fixes the order");

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}");
        assertEquals("[]", out.at("/metadata/finalizers").toString());

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"ownerReferences\":[{\"$patch\":\"replace\"},{\"uid\":\"9\"}]}}");
        assertEquals("[{\"uid\":\"9\"}]", out.at("/metadata/ownerReferences").toString());

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"data\":{\"$patch\":\"replace\",\"z\":\"26\"}}");
        assertEquals("{\"z\":\"26\"}", out.get("data").toString());

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"data\":{\"$patch\":\"delete\"}}");
        assertEquals("{}", out.get("data").toString(), "kube's delete directive on a map leaves it empty");

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"$retainKeys\":[\"metadata\",\"kind\"],\"kind\":\"ConfigMap\"}");
        assertEquals("[\"kind\",\"metadata\"]", M.valueToTree(iterable(out.fieldNames())).toString());

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "{\"spec\":{\"new\":{\"keep\":1,\"drop\":null,\"gone\":{\"$patch\":\"delete\"}}}}");
        assertEquals("{\"new\":{\"keep\":1}}", out.get("spec").toString());

        out = apply(Patches.STRATEGIC_MERGE_PATCH, "null");
        assertEquals(cm(), out);

        ObjectNode unchanged = cm();
        ObjectNode result = Patches.apply(Patches.STRATEGIC_MERGE_PATCH, unchanged, "{\"data\":{\"a\":\"x\"}}".getBytes(StandardCharsets.UTF_8),
                SmpSchema.empty());
        assertNotSame(unchanged, result);
        assertEquals(cm(), unchanged);
        assertEquals("[\"a\"]", Patches.apply(Patches.STRATEGIC_MERGE_PATCH, cm(), "{\"metadata\":{\"finalizers\":[\"a\"]}}"
                .getBytes(StandardCharsets.UTF_8), SmpSchema.empty()).at("/metadata/finalizers").toString());
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> it) {
        java.util.List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void schemaExtends() {
        SmpSchema s = SmpSchema.objectMeta().toBuilder().mergeList("spec.containers", "name").primitiveMergeList("spec.x").replace("spec.r").build();
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "uid"), s.field("metadata.ownerReferences"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "name"), s.field("spec.containers"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.REPLACE, ""), s.field("spec.r"));
        assertEquals(null, SmpSchema.objectMeta().field("spec.containers"));
        assertThrows(IllegalArgumentException.class, () -> SmpSchema.builder().mergeList("a", ""));
    }

    @Test
    void malformedStrategicMergePatch() {
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{nope"), 400, "BadRequest", "invalid character 'n' looking for beginning of object key string");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "[]"), 400, "BadRequest",
                "json: cannot unmarshal array into Go value of type map[string]interface {}");
        status(assertThrows(StatusException.class, () -> Patches.apply(Patches.STRATEGIC_MERGE_PATCH, cm(), "{nope".getBytes(StandardCharsets.UTF_8),
                null)), 415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json");
        status(assertThrows(StatusException.class, () -> StrategicMergePatch.apply(cm(), M.createObjectNode(), null)), 400, "BadRequest",
                "strategic merge patch format is not supported");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"$retainKeys\":\"kind\"}"), 400, "BadRequest", "invalid patch format of retainKeys");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"$retainKeys\":[\"kind\"],\"data\":{}}"), 400, "BadRequest",
                "invalid patch format of retainKeys");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"$deleteFromPrimitiveListfoo\":[\"a\"]}"), 400, "BadRequest",
                "invalid patch format of primitive list");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"data\":{\"$patch\":\"foo\",\"a\":\"b\"}}"), 500, "",
                "unknown patch type: foo in map: map[$patch:foo a:b]");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"ownerReferences\":[{\"name\":\"x\"}]}}"), 500, "",
                "map: map[name:x] does not contain declared merge key: uid");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"finalizers\":[[\"x\"]]}}"), 500, "",
                "list element types are not identical: [[a] [[x]]]");
        SmpSchema lists = SmpSchema.builder().primitiveMergeList("spec.l").build();
        status(assertThrows(StatusException.class, () -> Patches.apply(Patches.STRATEGIC_MERGE_PATCH, (ObjectNode) M.readTree(
                "{\"spec\":{\"l\":[[\"a\"]]}}"), "{\"spec\":{\"l\":[[\"b\"]]}}".getBytes(StandardCharsets.UTF_8), lists)),
                422, "Invalid", "the server rejected our request due to an error in our request");
        status(fails(Patches.STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"1\",\"$patch\":\"merge\"}]}}"), 500, "",
                "merging lists cannot yet be specified in the patch");
    }

    @Test
    void unsupportedPatchType() {
        for (String type : new String[] {"application/apply-patch+yaml", "application/json", null, "APPLICATION/MERGE-PATCH+JSON"}) {
            status(assertThrows(StatusException.class, () -> Patches.apply(type, cm(), "{}".getBytes(StandardCharsets.UTF_8), SmpSchema.empty())),
                    415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                            + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
        }
    }

    @Test
    void fieldValidationParameter() {
        assertEquals(FieldValidation.WARN, FieldValidation.of(null));
        assertEquals(FieldValidation.WARN, FieldValidation.of(""));
        assertEquals(FieldValidation.STRICT, FieldValidation.of("Strict"));
        assertEquals(FieldValidation.IGNORE, FieldValidation.of("Ignore"));
        status(assertThrows(StatusException.class, () -> FieldValidation.of("bogus")), 422, "Invalid",
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"bogus\": supported values: "
                        + "\"\", \"Ignore\", \"Strict\", \"Warn\"");
    }

    @Test
    void tenThousandOperationsAreFine() throws Exception {
        StringBuilder ops = new StringBuilder("[");
        for (int i = 0; i < Patches.MAX_JSON_PATCH_OPERATIONS; i++) {
            ops.append(i == 0 ? "" : ",").append("{\"op\":\"add\",\"path\":\"/data/k").append(i).append("\",\"value\":\"v\"}");
        }
        ObjectNode out = apply(Patches.JSON_PATCH, ops.append("]").toString());
        assertEquals(Patches.MAX_JSON_PATCH_OPERATIONS + 2, out.get("data").size());
        ObjectNode root = apply(Patches.JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"kind\":\"X\"}},"
                + "{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]");
        assertEquals("{\"kind\":\"X\",\"a\":1}", root.toString());
    }
}
