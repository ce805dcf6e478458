package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Managed fields and server-side apply on a ConfigMap-like kind and a kind with a keyed list, with the
 * results kube-apiserver gives for the same requests (its field manager over structured-merge-diff):
 * the fieldsV1 of a create and of an apply, conflicts and their message, force, removal of what an
 * applier dropped, before-first-apply, and the upgrade from client-side apply for kubectl.
 */
class FieldManagerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String T0 = "2026-12-05T08:00:00Z";
    private static final String T1 = "2026-12-05T09:00:00Z";

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) MAPPER.readTree(s.replace('\'', '"'));
    }

    private final FieldManager configMaps;
    private final FieldManager deployments;

    FieldManagerTest() throws Exception {
        Map<String, JsonNode> refs = Map.of("#/components/schemas/Meta", json("{'type':'object','properties':{'name':{'type':'string'},"
                + "'namespace':{'type':'string'},'labels':{'type':'object','additionalProperties':{'type':'string'}},"
                + "'annotations':{'type':'object','additionalProperties':{'type':'string'}},"
                + "'finalizers':{'type':'array','items':{'type':'string'},'x-kubernetes-list-type':'set'}}}"));
        configMaps = new FieldManager(json("{'type':'object','properties':{'apiVersion':{'type':'string'},'kind':{'type':'string'},"
                + "'metadata':{'allOf':[{'$ref':'#/components/schemas/Meta'}]},"
                + "'data':{'type':'object','additionalProperties':{'type':'string'}}}}"), refs::get, "v1");
        deployments = new FieldManager(json("{'type':'object','properties':{'metadata':{'$ref':'#/components/schemas/Meta'},"
                + "'spec':{'type':'object','properties':{'replicas':{'type':'integer'},'containers':{'type':'array',"
                + "'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],'items':{'type':'object',"
                + "'properties':{'name':{'type':'string'},'image':{'type':'string'},'args':{'type':'array','items':{'type':'string'}}}}}}}}}"),
                refs::get, "apps/v1");
    }

    private static JsonNode fields(ObjectNode o, String manager) {
        for (JsonNode e : o.at("/metadata/managedFields")) {
            if (e.get("manager").asText().equals(manager)) {
                return e.get("fieldsV1");
            }
        }
        return null;
    }

    /**
     * kube compares a create with an empty Go object, in which every struct that is no pointer (its
     * schema's default is {}) is there and a zero creationTimestamp is null: those are never owned
     * themselves, while a map or a pointer struct that appears is ("." in fieldsV1), and a list without
     * omitempty (required) is null there, so it is not.
     */
    @Test
    void aCreateOwnsNoStructThatKubesGoTypesAlwaysHold() throws Exception {
        Map<String, JsonNode> refs = Map.of(
                "#/components/schemas/Meta", json("{'type':'object','properties':{'name':{'type':'string'},"
                        + "'creationTimestamp':{'type':'string','format':'date-time'},"
                        + "'labels':{'type':'object','additionalProperties':{'type':'string'}}}}"),
                "#/components/schemas/PodSpec", json("{'type':'object','required':['containers'],'properties':{"
                        + "'containers':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],"
                        + "'items':{'type':'object','properties':{'name':{'type':'string'},'image':{'type':'string'}}}},"
                        + "'securityContext':{'type':'object','properties':{'runAsUser':{'type':'integer'}}}}}"),
                "#/components/schemas/Template", json("{'type':'object','properties':{"
                        + "'metadata':{'allOf':[{'$ref':'#/components/schemas/Meta'}],'default':{}},"
                        + "'spec':{'allOf':[{'$ref':'#/components/schemas/PodSpec'}],'default':{}}}}"));
        FieldManager jobs = new FieldManager(json("{'type':'object','properties':{"
                + "'metadata':{'allOf':[{'$ref':'#/components/schemas/Meta'}],'default':{}},"
                + "'spec':{'type':'object','default':{},'properties':{'template':{'allOf':[{'$ref':'#/components/schemas/Template'}],"
                + "'default':{}}}}}}"), refs::get, "batch/v1");
        ObjectNode created = json("{'metadata':{'name':'j'},'spec':{'template':{'metadata':{'creationTimestamp':null,"
                + "'labels':{'a':'b'}},'spec':{'containers':[{'name':'c','image':'i'}],'securityContext':{'runAsUser':1}}}}}");
        jobs.update(null, created, "kubectl-client-side-apply", T0);
        assertEquals(json("{'f:spec':{'f:template':{'f:metadata':{'f:labels':{'.':{},'f:a':{}}},'f:spec':{'f:containers':{"
                + "'k:{\\'name\\':\\'c\\'}':{'.':{},'f:image':{},'f:name':{}}},'f:securityContext':{'.':{},'f:runAsUser':{}}}}}}"),
                fields(created, "kubectl-client-side-apply"));
    }

    @Test
    void aCreateOwnsWhatItSetAsKubeRecordsIt() throws Exception {
        ObjectNode created = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'d','labels':{'x':'y'}},"
                + "'data':{'a':'1'}}");
        configMaps.update(null, created, "kubectl-create", T0);
        // what kube answers to kubectl create for this object
        assertEquals(json("{'f:data':{'.':{},'f:a':{}},'f:metadata':{'f:labels':{'.':{},'f:x':{}}}}"), fields(created, "kubectl-create"));
        JsonNode entry = created.at("/metadata/managedFields/0");
        assertEquals("Update", entry.get("operation").asText());
        assertEquals("v1", entry.get("apiVersion").asText());
        assertEquals(T0, entry.get("time").asText());
        assertEquals("FieldsV1", entry.get("fieldsType").asText());
    }

    @Test
    void anApplyOwnsItsConfigurationsLeavesAndConflictsWithOthersOnChanges() throws Exception {
        ObjectNode live = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1','b':'1'}}");
        configMaps.update(null, live, "kubectl-create", T0);
        // the same value: no conflict, shared ownership
        ObjectNode same = configMaps.apply(live, json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1'}}"),
                "kubectl", false, T1);
        assertEquals(json("{'f:data':{'f:a':{}}}"), fields(same, "kubectl"));
        assertEquals(json("{'f:data':{'.':{},'f:a':{},'f:b':{}}}"), fields(same, "kubectl-create"));
        assertEquals("Apply", same.at("/metadata/managedFields/0/operation").asText(), "Apply entries first");
        // a change to a field another manager owns
        StatusException conflict = assertThrows(StatusException.class, () -> configMaps.apply(same,
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'2'}}"), "other", false, T1));
        assertEquals(409, conflict.code());
        assertEquals("Conflict", conflict.reason());
        assertEquals("Apply failed with 2 conflicts: conflicts with \"kubectl\":\n- .data.a\nconflicts with \"kubectl-create\" using v1:\n- .data.a",
                conflict.getMessage());
        assertEquals(2, conflict.causes().size());
        assertEquals("FieldManagerConflict", conflict.causes().get(0).type());
        assertEquals(".data.a", conflict.causes().get(0).field());
        // force takes the field from both
        ObjectNode forced = configMaps.apply(same, json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'2'}}"),
                "other", true, T1);
        assertEquals("2", forced.at("/data/a").asText());
        assertEquals(json("{'f:data':{'f:a':{}}}"), fields(forced, "other"));
        assertEquals(json("{'f:data':{'.':{},'f:b':{}}}"), fields(forced, "kubectl-create"));
        assertEquals(null, fields(forced, "kubectl"), "a manager left with nothing is dropped");
    }

    @Test
    void oneConflictReadsAsKubesSingleConflictMessage() throws Exception {
        ObjectNode live = json("{'metadata':{'name':'c'},'data':{'a':'1'}}");
        configMaps.update(null, live, "kubectl-client-side-apply", T0);
        StatusException e = assertThrows(StatusException.class, () -> configMaps.apply(live,
                json("{'metadata':{'name':'c'},'data':{'a':'2'}}"), "kubectl", false, T1));
        assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.a", e.getMessage());
    }

    @Test
    void whatAnApplierDropsIsRemovedUnlessSomeoneElseOwnsIt() throws Exception {
        ObjectNode v1 = configMaps.apply(null, json("{'metadata':{'name':'c','labels':{'l':'1'}},'data':{'a':'1','b':'1'}}"), "ci", false, T0);
        ObjectNode shared = configMaps.apply(v1, json("{'metadata':{'name':'c'},'data':{'b':'1'}}"), "other", false, T0);
        ObjectNode v2 = configMaps.apply(shared, json("{'metadata':{'name':'c'},'data':{'c':'1'}}"), "ci", false, T1);
        assertEquals(json("{'b':'1','c':'1'}"), v2.get("data"), "a removed, b kept for its other owner, c added");
        assertTrue(v2.at("/metadata/labels").isMissingNode(), "a struct field nobody owns any more goes whole");
        assertEquals("c", v2.at("/metadata/name").asText());
    }

    @Test
    void keyedListsMergeByKeyAndConflictPerItemField() throws Exception {
        ObjectNode live = deployments.apply(null, json("{'metadata':{'name':'d'},'spec':{'replicas':1,'containers':[{'name':'web','image':'nginx:1'}]}}"),
                "helm", false, T0);
        assertEquals(MAPPER.readTree("{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}},"
                + "\"f:replicas\":{}}}"), fields(live, "helm"));
        // a new item of the keyed list is no conflict: it merges in by its key
        ObjectNode withSidecar = deployments.apply(live, json("{'metadata':{'name':'d'},'spec':{'containers':[{'name':'sidecar','image':'envoy'}]}}"),
                "mesh", false, T1);
        assertEquals(2, withSidecar.at("/spec/containers").size());
        assertEquals("nginx:1", withSidecar.at("/spec/containers/0/image").asText());
        assertEquals("envoy", withSidecar.at("/spec/containers/1/image").asText());
        StatusException e = assertThrows(StatusException.class, () -> deployments.apply(withSidecar,
                json("{'metadata':{'name':'d'},'spec':{'replicas':3,'containers':[{'name':'web','image':'nginx:2'}]}}"), "hpa", false, T1));
        assertEquals("Apply failed with 2 conflicts: conflicts with \"helm\":\n- .spec.containers[name=\"web\"].image\n- .spec.replicas",
                e.getMessage());
    }

    @Test
    void anUntrackedObjectIsFirstGivenToBeforeFirstApply() throws Exception {
        ObjectNode old = json("{'metadata':{'name':'c'},'data':{'a':'1'}}");
        StatusException e = assertThrows(StatusException.class, () -> configMaps.apply(old,
                json("{'metadata':{'name':'c'},'data':{'a':'2'}}"), "ci", false, T1));
        assertEquals("Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.a", e.getMessage());
        // an update of an untracked object stays untracked, as kube's skipNonApplied
        ObjectNode updated = json("{'metadata':{'name':'c'},'data':{'a':'3'}}");
        configMaps.update(old, updated, "kubectl-edit", T1);
        assertTrue(updated.at("/metadata/managedFields").isMissingNode());
    }

    @Test
    void kubectlTakesTheFieldsOfItsLastAppliedConfiguration() throws Exception {
        // an object kubectl applied client-side: the annotation, and the fields owned by kubectl-client-side-apply
        ObjectNode live = json("{'metadata':{'name':'c','annotations':{'" + FieldManager.LAST_APPLIED
                + "':'{\\\"data\\\":{\\\"a\\\":\\\"1\\\"},\\\"metadata\\\":{\\\"name\\\":\\\"c\\\"}}'}},'data':{'a':'1'}}");
        configMaps.update(null, live, "kubectl-client-side-apply", T0);
        ObjectNode applied = configMaps.apply(live, json("{'metadata':{'name':'c'},'data':{'a':'2'}}"), "kubectl", false, T1);
        assertEquals("2", applied.at("/data/a").asText(), "no conflict for kubectl on its own last-applied fields");
        assertEquals("{\"data\":{\"a\":\"2\"},\"metadata\":{\"name\":\"c\"}}\n",
                applied.at("/metadata/annotations").get(FieldManager.LAST_APPLIED).asText(),
                "the annotation follows, encoded as kube encodes it: keys sorted, a newline at the end");
        assertThrows(StatusException.class, () -> configMaps.apply(live, json("{'metadata':{'name':'c'},'data':{'a':'2'}}"), "ci", false, T1),
                "another manager still conflicts");
    }

    @Test
    void managedFieldsGivenByAWriteAreCheckedOrReset() throws Exception {
        ObjectNode live = json("{'metadata':{'name':'c'},'data':{'a':'1'}}");
        configMaps.update(null, live, "maker", T0);
        // undecodable fieldsV1: the stored entries stay, and the write is tracked on top of them
        ObjectNode bad = json("{'metadata':{'name':'c','managedFields':[{'manager':'x','operation':'Update','fieldsV1':{'':{}}}]},"
                + "'data':{'a':'1','b':'2'}}");
        configMaps.update(live, bad, "editor", T1);
        assertEquals(json("{'f:data':{'.':{},'f:a':{}}}"), fields(bad, "maker"));
        assertEquals(json("{'f:data':{'f:b':{}}}"), fields(bad, "editor"));
        // [{}] resets them
        ObjectNode reset = json("{'metadata':{'name':'c','managedFields':[{}]},'data':{'a':'1'}}");
        configMaps.update(live, reset, "editor", T1);
        assertTrue(reset.at("/metadata/managedFields").isMissingNode());
    }

    @Test
    void repeatedItemsOfALiveListAreKeptByAnApply() throws Exception {
        ObjectNode live = json("{'metadata':{'name':'c','finalizers':['a','a','b']}}");
        ObjectNode applied = configMaps.apply(live, json("{'metadata':{'name':'c','finalizers':['c']}}"), "ci", false, T1);
        assertEquals(MAPPER.readTree("[\"a\",\"a\",\"b\",\"c\"]"), applied.at("/metadata/finalizers"));
    }

    @Test
    void moreThanTenUpdateManagersFoldTheOldestIntoAncientChanges() throws Exception {
        ObjectNode live = json("{'metadata':{'name':'c'},'data':{'k0':'0'}}");
        configMaps.update(null, live, "m0", "2026-12-05T08:00:00Z");
        for (int i = 1; i <= 11; i++) {
            ObjectNode next = live.deepCopy();
            ((ObjectNode) next.get("data")).put("k" + i, "" + i);
            configMaps.update(live, next, "m" + i, String.format("2026-12-05T08:%02d:00Z", i));
            live = next;
        }
        java.util.List<String> managers = new java.util.ArrayList<>();
        live.at("/metadata/managedFields").forEach(e -> managers.add(e.get("manager").asText()));
        assertEquals(10, managers.size(), managers.toString());
        assertTrue(managers.contains("ancient-changes") && !managers.contains("m0") && !managers.contains("m1")
                && !managers.contains("m2") && managers.contains("m3") && managers.contains("m11"), managers.toString());
        assertEquals(json("{'f:data':{'.':{},'f:k0':{},'f:k1':{},'f:k2':{}}}"), fields(live, "ancient-changes"));
    }

    /** SMD refuses an applied list with a key twice; and compares numbers by value (1 is 1.0). */
    @Test
    void duplicateKeysAreRefusedAndNumbersCompareByValue() throws Exception {
        StatusException dup = assertThrows(StatusException.class, () -> deployments.apply(null,
                json("{'metadata':{'name':'d'},'spec':{'containers':[{'name':'a','image':'x'},{'name':'a','image':'y'}]}}"), "m1", false, T0));
        assertEquals(400, dup.code());
        assertEquals("failed to create typed patch object: .spec.containers: duplicate entries for key [name=\"a\"]", dup.getMessage());
        ObjectNode live = deployments.apply(null, json("{'metadata':{'name':'d'},'spec':{'replicas':1}}"), "m1", false, T0);
        // the same value written as 1.0 changes nothing: no conflict with m1, who keeps the field
        ObjectNode same = deployments.apply(live, json("{'metadata':{'name':'d'},'spec':{'replicas':1.0}}"), "m2", false, T1);
        assertTrue(fields(same, "m1").toString().contains("f:replicas"), same.toString());
        StatusException other = assertThrows(StatusException.class, () -> deployments.apply(live,
                json("{'metadata':{'name':'d'},'spec':{'replicas':2}}"), "m2", false, T1));
        assertEquals(409, other.code());
    }
}
