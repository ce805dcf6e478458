package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * structured-merge-diff's tests that drive its updater directly rather than through a TestCase table
 * ({@code merge/obsolete_versions_test.go} TestObsoleteVersions and TestApplyObsoleteVersion,
 * {@code merge/multiple_appliers_test.go} TestVersionDoesntMatchTypename), translated: the managers of
 * a version that is no longer served are dropped, and an applier whose last version is gone prunes
 * nothing; a version's schema need not be named after it.
 */
class SmdObsoleteVersionsTest {
    private static final String NOW = "2026-12-05T08:00:00Z";

    /** specificVersionConverter: the object unchanged, for the accepted versions only. */
    private static Versions accepting(Set<String> accepted, Function<String, FieldManager> fieldManagers) {
        return new Versions() {
            @Override
            public JsonNode convert(JsonNode object, String from, String to) {
                if (!accepted.contains(to)) {
                    throw new MissingVersion(to);
                }
                return object;
            }

            @Override
            public FieldManager fieldManager(String version) {
                convert(null, version, version);
                return fieldManagers.apply(version);
            }
        };
    }

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) StructuredMergeDiffVectorsTest.yaml(json);
    }

    /** Each manager's set and version. */
    private static Map<String, String> managers(ObjectNode live) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode e : live.at("/metadata/managedFields")) {
            out.put(e.get("manager").asText(), e.get("apiVersion").asText() + " " + FieldSet.fromFieldsV1(e.get("fieldsV1")));
        }
        return out;
    }

    private static String entry(String version, String... fields) {
        FieldSet s = new FieldSet();
        for (String f : fields) {
            s.insert(List.of(FieldSet.field(f)));
        }
        return version + " " + s;
    }

    @Test
    void theManagersOfAVersionNoLongerServedAreDropped() throws Exception {
        Function<String, FieldManager> deduced = v -> new FieldManager(
                JsonNodeFactory.instance.objectNode().put("x-kubernetes-preserve-unknown-fields", true), null, v);
        Set<String> accepted = new java.util.HashSet<>(Set.of("v1", "v2"));
        Versions versions = accepting(accepted, deduced);
        ObjectNode live = object("{\"v1\": 0}");
        deduced.apply("v1").converting(versions).update(null, live, "v1", NOW);
        ObjectNode v2 = object("{\"v1\": 0, \"v2\": 0}");
        v2.set("metadata", live.get("metadata").deepCopy());
        deduced.apply("v2").converting(versions).update(live, v2, "v2", NOW);
        // v1 goes, v3 comes
        accepted.remove("v1");
        accepted.add("v3");
        ObjectNode v3 = object("{\"v1\": 0, \"v2\": 0, \"v3\": 0}");
        v3.set("metadata", v2.get("metadata").deepCopy());
        deduced.apply("v3").converting(versions).update(v2, v3, "v3", NOW);
        assertEquals(Map.of("v2", entry("v2", "v2"), "v3", entry("v3", "v3")), managers(v3));
    }

    @Test
    void anApplierWhoseLastVersionIsGonePrunesNothing() throws Exception {
        SmdSchemas schemas = SmdSchemas.parse("types:\n- name: sets\n  map:\n    fields:\n    - name: list\n      type:\n"
                + "        list:\n          elementType:\n            scalar: string\n          elementRelationship: associative\n");
        Function<String, FieldManager> sets = v -> new FieldManager(schemas.type("sets"), schemas.refs(), v);
        Set<String> accepted = new java.util.HashSet<>(Set.of("v1"));
        Versions versions = accepting(accepted, sets);
        ObjectNode live = sets.apply("v1").converting(versions).apply(null, object("{\"list\": [\"a\", \"b\", \"c\", \"d\"]}"), "apply", false, NOW);
        accepted.clear();
        accepted.add("v2");
        live = sets.apply("v2").converting(versions).apply(live, object("{\"list\": [\"a\"]}"), "apply", false, NOW);
        live.remove("metadata");
        assertEquals(object("{\"list\": [\"a\", \"b\", \"c\", \"d\"]}"), live);
    }

    @Test
    void aVersionsSchemaNeedNotBeNamedAfterIt() throws Exception {
        SmdSchemas schemas = SmdSchemas.parse("types:\n"
                + "- name: TypeV1\n  map:\n    fields:\n      - name: field_foo_rely_on_bar\n        type:\n          scalar: string\n"
                + "      - name: common_field\n        type:\n          scalar: string\n"
                + "- name: TypeV2\n  map:\n    fields:\n      - name: required_field_bar\n        type:\n          scalar: string\n"
                + "      - name: common_field\n        type:\n          scalar: string\n");
        Map<String, FieldManager> byVersion = new HashMap<>();
        Function<String, FieldManager> typed = v -> byVersion.computeIfAbsent(v,
                x -> new FieldManager(schemas.type(x.equals("v1") ? "TypeV1" : "TypeV2"), schemas.refs(), x));
        Versions versions = new Versions() {
            @Override
            public JsonNode convert(JsonNode object, String from, String to) {
                return SmdConverters.reliant(object, from, to);
            }

            @Override
            public FieldManager fieldManager(String version) {
                SmdConverters.reliant(null, version, version);
                return typed.apply(version);
            }
        };
        for (int i = 0; i < 3; i++) {
            ObjectNode live = typed.apply("v2").converting(versions).apply(null, object("{\"required_field_bar\": \"a\"}"), "v2_applier", false, NOW);
            live = withMetadata(SmdConverters.reliant(strip(live), "v2", "v1"), live);
            live = typed.apply("v1").converting(versions).apply(live, object("{\"common_field\": \"b\"}"), "v1_applier", false, NOW);
            live = withMetadata(SmdConverters.reliant(strip(live), "v1", "v2"), live);
            live = typed.apply("v2").converting(versions).apply(live, object("{\"required_field_bar\": \"b\"}"), "v2_applier", false, NOW);
            assertEquals(Map.of("v2_applier", entry("v2", "required_field_bar"), "v1_applier", entry("v1", "common_field")), managers(live));
            assertEquals(object("{\"required_field_bar\": \"b\", \"common_field\": \"b\"}"), strip(live));
        }
    }

    private static ObjectNode strip(ObjectNode o) {
        ObjectNode copy = o.deepCopy();
        copy.remove("metadata");
        return copy;
    }

    private static ObjectNode withMetadata(JsonNode converted, ObjectNode from) {
        ObjectNode out = ((ObjectNode) converted).deepCopy();
        out.set("metadata", from.get("metadata").deepCopy());
        return out;
    }
}
