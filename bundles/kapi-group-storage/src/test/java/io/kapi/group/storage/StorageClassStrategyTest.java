package io.kapi.group.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** storage.k8s.io/v1 StorageClasses, with the cases of kube's storage validation_test.go. */
class StorageClassStrategyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StorageClassStrategy s = new StorageClassStrategy(StorageGroupProvider.OPENAPI);

    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    private ObjectNode sc(String rest) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'foo'},'provisioner':'kubernetes.io/foo-provisioner'" + (rest.isEmpty() ? "" : "," + rest) + "}");
        s.applyDefaults(o);
        return o;
    }

    private List<String> validate(String rest) throws Exception {
        return messages(s.validate(sc(rest)));
    }

    @Test
    void resourcesAreKubes() {
        StorageGroupProvider p = new StorageGroupProvider();
        assertEquals("storage.k8s.io", p.group());
        assertEquals(List.of("v1"), p.versions());
        List<ResourceDefinition> defs = p.resources();
        assertEquals(List.of("storageclasses", "csidrivers", "csinodes", "volumeattachments", "csistoragecapacities"),
                defs.stream().map(ResourceDefinition::plural).toList());
        assertEquals(List.of("StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "CSIStorageCapacity"),
                defs.stream().map(ResourceDefinition::kind).toList());
        assertEquals(List.of("storageclass", "csidriver", "csinode", "volumeattachment", "csistoragecapacity"),
                defs.stream().map(ResourceDefinition::singular).toList());
        assertEquals(List.of("sc"), defs.get(0).shortNames());
        assertEquals(List.of(false, false, false, false, true), defs.stream().map(ResourceDefinition::namespaced).toList(),
                "only csistoragecapacities are namespaced");
        assertTrue(defs.stream().skip(1).allMatch(d -> d.shortNames().isEmpty()));
        assertTrue(defs.stream().allMatch(d -> d.categories().isEmpty() && d.schema() != null && d.scale() == null));
        assertEquals(List.of(false, false, false, true, false), defs.stream().map(d -> d.status() != null).toList(),
                "volumeattachments/status only");
    }

    @Test
    void defaultsAreDeleteAndImmediate() throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'foo'},'provisioner':'p'}");
        s.applyDefaults(o);
        assertEquals("Delete", o.path("reclaimPolicy").asText());
        assertEquals("Immediate", o.path("volumeBindingMode").asText());
        ObjectNode set = obj("{'metadata':{'name':'foo'},'provisioner':'p','reclaimPolicy':'Retain','volumeBindingMode':'WaitForFirstConsumer'}");
        s.applyDefaults(set);
        assertEquals("Retain", set.path("reclaimPolicy").asText());
        assertEquals("WaitForFirstConsumer", set.path("volumeBindingMode").asText());
        assertNull(s.validateName("foo", false), "a DNS subdomain: the store's default");
        assertFalse(s.tracksGeneration());
        assertTrue(s.allowUnconditionalUpdate());
    }

    @Test
    void kubesSuccessCases() throws Exception {
        assertEquals(List.of(), validate("'parameters':{}"));
        assertEquals(List.of(), validate(""));
        assertEquals(List.of(), validate("'parameters':{'kubernetes.io/foo-parameter':'free/form/string','foo-parameter':'free-form-string',"
                + "'foo-parameter2':'{\\'embedded\\': \\'json\\'}'}"));
        assertEquals(List.of(), validate("'reclaimPolicy':'Retain'"));
        assertEquals(List.of(), validate("'reclaimPolicy':''"), "kube checks a reclaim policy only when it is not empty");
        assertEquals(List.of(), validate("'volumeBindingMode':'WaitForFirstConsumer','allowVolumeExpansion':true,'mountOptions':['ro']"));
        assertEquals(List.of(), messages(s.validate(obj("{'provisioner':'Kubernetes.IO/Foo','reclaimPolicy':'Delete','volumeBindingMode':'Immediate'}"))),
                "the provisioner is checked lower-cased");
    }

    @Test
    void kubesErrorCases() throws Exception {
        assertEquals(List.of("provisioner: Invalid value: \"kubernetes.io/invalid/provisioner\": a qualified name must consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                + "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional "
                + "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"), validate("'provisioner':'kubernetes.io/invalid/provisioner'"));
        assertEquals(List.of("provisioner: Invalid value: \"Bad_Prefix.IO/x\": prefix part a lowercase RFC 1123 subdomain must consist of "
                + "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                validate("'provisioner':'Bad_Prefix.IO/x'"), "the bad value is the provisioner as written");
        assertEquals(List.of("parameters: Invalid value: \"\": field can not be empty."), validate("'parameters':{'':'value'}"));
        assertEquals(List.of("provisioner: Required value"), validate("'provisioner':''"));
        assertEquals(List.of("reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\""),
                validate("'reclaimPolicy':'Recycle'"));
        assertEquals(List.of("volumeBindingMode: Unsupported value: \"foo\": supported values: \"Immediate\", \"WaitForFirstConsumer\""),
                validate("'volumeBindingMode':'foo'"));
        // too long parameters, built as kube's test builds them
        ObjectNode longParams = sc("");
        ObjectNode params = longParams.putObject("parameters");
        int total = 0;
        while (total < StorageClassStrategy.MAX_PARAMETERS_SIZE) {
            String k = "param/" + total;
            String v = "value-" + total;
            params.put(k, v);
            total += k.length() + v.length();
        }
        // kube's test map has more than 512 entries by then: the count is what it fails on
        assertEquals(List.of("parameters: Too long: may not be more than 512 bytes"), messages(s.validate(longParams)));
        ObjectNode big = sc("");
        big.putObject("parameters").put("a", "x".repeat(200 * 1024)).put("b", "x".repeat(56 * 1024 - 2));
        assertEquals(List.of(), messages(s.validate(big)), "256 KiB of keys and values is the limit");
        ((ObjectNode) big.get("parameters")).put("b", "x".repeat(56 * 1024 - 1));
        assertEquals(List.of("parameters: Too long: may not be more than 262144 bytes"), messages(s.validate(big)));
        ObjectNode many = sc("");
        ObjectNode manyParams = many.putObject("parameters");
        for (int i = 0; i < 513; i++) {
            manyParams.put("k" + i, "");
        }
        assertEquals(List.of("parameters: Too long: may not be more than 512 bytes"), messages(s.validate(many)));
    }

    private static String term(String... expressions) {
        return "{'matchLabelExpressions':[" + String.join(",", expressions) + "]}";
    }

    private static String expr(String key, String... values) {
        List<String> vs = new ArrayList<>();
        for (String v : values) {
            vs.add("'" + v + "'");
        }
        return "{'key':'" + key + "','values':[" + String.join(",", vs) + "]}";
    }

    private List<String> topologies(String... terms) throws Exception {
        return validate("'volumeBindingMode':'WaitForFirstConsumer','allowedTopologies':[" + String.join(",", terms) + "]");
    }

    @Test
    void kubesAllowedTopologiesCases() throws Exception {
        String zone = "failure-domain.beta.kubernetes.io/zone";
        String host = "kubernetes.io/hostname";
        assertEquals(List.of(), topologies());
        assertEquals(List.of(), topologies(term(expr(zone, "zone1"), expr(host, "node1")), term(expr(zone, "zone2"), expr(host, "node2"))));
        assertEquals(List.of("allowedTopologies[0].matchLabelExpressions[0].key: Invalid value: \"/invalidkey\": prefix part must be non-empty"),
                topologies(term(expr("/invalidkey", "zone1"))));
        assertEquals(List.of("allowedTopologies[0].matchLabelExpressions[0].values: Required value"), topologies(term(expr(host))));
        assertEquals(List.of("allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: \"node1\""),
                topologies(term(expr(host, "node1", "node1"))));
        assertEquals(List.of(), topologies(term(expr(host, "node1", "node2"))));
        // a term without expressions equals each of the len(topologies) nil maps kube's list starts with
        assertEquals(List.of("allowedTopologies[0].matchLabelExpressions: Duplicate value: \"\""), topologies("{}"));
        assertEquals(List.of("allowedTopologies[0].matchLabelExpressions: Duplicate value: \"\"",
                "allowedTopologies[0].matchLabelExpressions: Duplicate value: \"\"",
                "allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\"",
                "allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\"",
                "allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\""), topologies("{}", "{'matchLabelExpressions':[]}"));
        assertEquals(List.of("allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: \"kubernetes.io/hostname\""),
                topologies(term(expr(host, "node1"), expr(host, "node2"))));
        assertEquals(List.of(), topologies(term(expr(host, "node1")), term(expr(host, "node2"))));
        assertEquals(List.of("allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\""),
                topologies(term(expr(zone, "zone1"), expr(host, "node1")), term(expr(zone, "zone1"), expr(host, "node1"))));
        assertEquals(List.of(), topologies(term(expr(zone, "zone1"), expr(host, "node1")), term(expr(zone, "zone1"), expr(host, "node2"))));
        assertEquals(List.of(), topologies(term(expr(host, "node1", "node2")), term(expr(host, "node1", "node3"))));
        assertEquals(List.of("allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\""),
                topologies(term(expr(host, "node1"), expr(zone, "zone1")), term(expr(zone, "zone1"), expr(host, "node1"))));
        assertEquals(List.of("allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\""),
                topologies(term(expr(zone, "zone1", "zone2")), term(expr(zone, "zone2", "zone1"))));
    }

    @Test
    void kubesUpdateCases() throws Exception {
        ObjectNode old = sc("'parameters':{'a':'b'}");
        assertEquals(List.of(), messages(s.validateUpdate(old.deepCopy().put("allowVolumeExpansion", true), old)));
        ObjectNode emptied = old.deepCopy();
        emptied.remove("parameters");
        assertEquals(List.of("parameters: Forbidden: updates to parameters are forbidden."), messages(s.validateUpdate(emptied, old)));
        ObjectNode none = sc("");
        ObjectNode emptyMap = none.deepCopy();
        emptyMap.putObject("parameters");
        assertEquals(List.of(), messages(s.validateUpdate(emptyMap, none)), "nil and empty parameters are the same once stored");
        assertEquals(List.of("provisioner: Forbidden: updates to provisioner are forbidden."),
                messages(s.validateUpdate(old.deepCopy().put("provisioner", "other.io/p"), old)));
        assertEquals(List.of("reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."),
                messages(s.validateUpdate(old.deepCopy().put("reclaimPolicy", "Retain"), old)));
        // TestValidateUpdateVolumeBindingMode
        assertEquals(List.of(), messages(s.validateUpdate(old.deepCopy().put("volumeBindingMode", "Immediate"), old)));
        assertEquals(List.of("volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable"),
                messages(s.validateUpdate(old.deepCopy().put("volumeBindingMode", "WaitForFirstConsumer"), old)));
        // ValidateStorageClass runs again on update
        assertEquals(List.of("reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"",
                "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."),
                messages(s.validateUpdate(old.deepCopy().put("reclaimPolicy", "Recycle"), old)));
    }

    @Test
    void printerIsKubes() throws Exception {
        List<TableColumn> columns = s.table().columns();
        assertEquals(List.of("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"),
                columns.stream().map(TableColumn::name).toList());
        assertTrue(columns.stream().allMatch(c -> c.priority() == 0));
        assertEquals("provisioner indicates the type of the provisioner.", columns.get(1).description());
        assertEquals("string", columns.get(4).type());
        ObjectNode o = sc("'volumeBindingMode':'WaitForFirstConsumer','allowVolumeExpansion':true");
        assertEquals(List.of("foo", "kubernetes.io/foo-provisioner", "Delete", "WaitForFirstConsumer", true), s.table().cells(o).subList(0, 5));
        for (Map.Entry<String, String> e : Map.of(StorageClassStrategy.IS_DEFAULT, "true", StorageClassStrategy.BETA_IS_DEFAULT, "true").entrySet()) {
            ObjectNode d = o.deepCopy();
            ((ObjectNode) d.get("metadata")).putObject("annotations").put(e.getKey(), e.getValue());
            assertEquals("foo (default)", s.table().cells(d).get(0));
        }
        ObjectNode notDefault = o.deepCopy();
        ((ObjectNode) notDefault.get("metadata")).putObject("annotations").put(StorageClassStrategy.IS_DEFAULT, "True");
        assertEquals("foo", s.table().cells(notDefault).get(0), "kube compares with \"true\" exactly");
        ObjectNode bare = obj("{'metadata':{'name':'bare'},'provisioner':'p'}");
        assertEquals(List.of("bare", "p", "Delete", "Immediate", false), s.table().cells(bare).subList(0, 5));
    }
}
