package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A field manager that ignores an endpoint's reset fields, as kube's does for a resource with a status
 * subresource: the resource itself ignores {@code status}, {@code /status} ignores {@code spec}. No
 * write owns what it cannot set there, nor takes it from others, nor conflicts over it.
 */
class FieldManagerIgnoredFieldsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String T0 = "2026-12-05T08:00:00Z";

    private final FieldManager resource;
    private final FieldManager status;

    FieldManagerIgnoredFieldsTest() throws Exception {
        FieldManager kind = new FieldManager(json("{'type':'object','properties':{'metadata':{'type':'object','properties':{"
                + "'name':{'type':'string'}}},'spec':{'type':'object','properties':{'replicas':{'type':'integer'}}},"
                + "'status':{'type':'object','properties':{'replicas':{'type':'integer'}}}}}"), null, "apps/v1");
        resource = kind.ignoring(set("status"));
        status = kind.ignoring(set("spec"));
    }

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) MAPPER.readTree(s.replace('\'', '"'));
    }

    private static FieldSet set(String field) {
        FieldSet s = new FieldSet();
        s.insert(List.of(FieldSet.field(field)));
        return s;
    }

    private static JsonNode fields(ObjectNode o, String manager) {
        for (JsonNode e : o.at("/metadata/managedFields")) {
            if (e.get("manager").asText().equals(manager)) {
                return e.get("fieldsV1");
            }
        }
        return null;
    }

    @Test
    void theIgnoredFieldsAreNeitherOwnedNorTakenNorConflictedOver() throws Exception {
        ObjectNode live = resource.apply(null, json("{'metadata':{'name':'d'},'spec':{'replicas':1},'status':{'replicas':5}}"),
                "applier", false, T0);
        // the value is merged (the strategy resets it), but the applier does not own it
        assertEquals(5, live.at("/status/replicas").asInt());
        assertEquals(json("{'f:spec':{'f:replicas':{}}}"), fields(live, "applier"));
        live.remove("status");

        // a status write that also changes the spec owns the status only, and takes nothing from the applier
        ObjectNode written = json("{'metadata':{'name':'d'},'spec':{'replicas':3},'status':{'replicas':1}}");
        written.with("metadata").set("managedFields", live.at("/metadata/managedFields").deepCopy());
        status.update(live, written, "controller", T0, "status");
        assertEquals(json("{'f:status':{'.':{},'f:replicas':{}}}"), fields(written, "controller"));
        assertEquals(json("{'f:spec':{'f:replicas':{}}}"), fields(written, "applier"));
        written.with("spec").put("replicas", 1);

        // an apply through the resource that changes the controller's status: no conflict, nothing taken
        ObjectNode applied = resource.apply(written, json("{'metadata':{'name':'d'},'spec':{'replicas':1},'status':{'replicas':9}}"),
                "applier", false, T0);
        assertEquals(json("{'f:status':{'.':{},'f:replicas':{}}}"), fields(applied, "controller"));
        assertEquals(json("{'f:spec':{'f:replicas':{}}}"), fields(applied, "applier"));
    }

    @Test
    void withoutIgnoredFieldsTheSameApplyConflicts() throws Exception {
        FieldManager plain = new FieldManager(null, null, "apps/v1");
        assertEquals(new FieldSet(), plain.ignored());
        ObjectNode live = plain.apply(null, json("{'status':{'replicas':1}}"), "controller", false, T0);
        assertNull(fields(live, "applier"));
        org.junit.jupiter.api.Assertions.assertThrows(io.kapi.api.rest.StatusException.class,
                () -> plain.apply(live, json("{'status':{'replicas':2}}"), "applier", false, T0));
        FieldManager ignoring = plain.ignoring(set("status"));
        ObjectNode applied = ignoring.apply(live, json("{'status':{'replicas':2}}"), "applier", false, T0);
        assertEquals(2, applied.at("/status/replicas").asInt());
        assertNull(fields(applied, "applier"), "nothing owned, no entry");
    }
}
