package io.kapi.group.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** node.k8s.io/v1 RuntimeClasses, with cases after kube's node validation_test.go. */
class RuntimeClassTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LABEL_ERR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
            + "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    static final String QUALIFIED_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private final RuntimeClassStrategy strategy = new RuntimeClassStrategy();

    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    private ObjectNode rc(String rest) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'gvisor'},'handler':'runsc'" + (rest.isEmpty() ? "" : "," + rest) + "}");
        strategy.applyDefaults(o);
        return o;
    }

    private List<String> validate(String rest) throws Exception {
        return messages(strategy.validate(rc(rest)));
    }

    @Test
    void definitionIsKubes() {
        ResourceDefinition def = new NodeGroupProvider().resources().get(0);
        assertEquals("node.k8s.io", new NodeGroupProvider().group());
        assertEquals(List.of("v1"), new NodeGroupProvider().versions());
        assertEquals("runtimeclasses", def.plural());
        assertEquals("runtimeclass", def.singular());
        assertEquals("RuntimeClass", def.kind());
        assertFalse(def.namespaced());
        assertTrue(def.shortNames().isEmpty() && def.categories().isEmpty());
        assertTrue(def.schema() != null && def.status() == null);
        assertTrue(strategy.allowCreateOnUpdate(), "kube's RuntimeClass strategy allows create on update");
        assertFalse(strategy.allowUnconditionalUpdate());
        assertFalse(strategy.tracksGeneration());
        assertNull(strategy.validateName("gvisor", false), "a DNS subdomain, the store's default");
    }

    @Test
    void podFixedIsDecodedAndRoundedAsAResourceList() throws Exception {
        ObjectNode o = rc("'overhead':{'podFixed':{'cpu':'0.1','memory':1024,'ephemeral-storage':'1.0001','x':null}}");
        assertEquals(obj("{'cpu':'100m','memory':'1024','ephemeral-storage':'1001m','x':'0'}"), o.at("/overhead/podFixed"));
        StatusException bad = assertThrows(StatusException.class, () -> rc("'overhead':{'podFixed':{'cpu':'abc'}}"));
        assertEquals("RuntimeClass in version \"v1\" cannot be handled as a RuntimeClass: quantities must match the regular expression "
                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", bad.getMessage());
        assertEquals(400, bad.code());
    }

    @Test
    void kubesValidCases() throws Exception {
        assertEquals(List.of(), validate(""));
        assertEquals(List.of(), validate("'overhead':{'podFixed':{'cpu':'250m','memory':'120Mi','hugepages-2Mi':'4Mi','example.com/dongle':'2'}}"));
        assertEquals(List.of(), validate("'scheduling':{'nodeSelector':{'sandboxed':'true','example.com/zone':''},'tolerations':["
                + "{'key':'sandboxed','operator':'Equal','value':'true','effect':'NoSchedule'},{'operator':'Exists'},"
                + "{'key':'t','operator':'Exists','effect':'NoExecute','tolerationSeconds':30},{'key':'sandboxed','value':'true'}]}"));
        assertEquals(List.of(), validate("'overhead':{},'scheduling':{}"));
    }

    @Test
    void kubesHandlerCases() throws Exception {
        assertEquals(List.of("handler: Invalid value: \"\": " + LABEL_ERR), messages(strategy.validate(obj("{'metadata':{'name':'a'}}"))));
        assertEquals(List.of("handler: Invalid value: \"run.sc\": must not contain dots"), messages(strategy.validate(obj("{'handler':'run.sc'}"))));
        assertEquals(List.of("handler: Invalid value: \"Bad_Handler\": " + LABEL_ERR), messages(strategy.validate(obj("{'handler':'Bad_Handler'}"))));
        assertEquals(List.of("handler: Invalid value: \"kata\": field is immutable"),
                messages(strategy.validateUpdate(rc("").put("handler", "kata"), rc(""))));
        assertEquals(List.of(), messages(strategy.validateUpdate(rc(""), rc(""))));
    }

    @Test
    void kubesOverheadCases() throws Exception {
        assertEquals(List.of("overhead.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"),
                validate("'overhead':{'podFixed':{'cpu':'-1'}}"));
        assertEquals(List.of("overhead.limits[pods]: Invalid value: \"pods\": must be a standard resource for containers"),
                validate("'overhead':{'podFixed':{'pods':'1'}}"));
        assertEquals(List.of("overhead.limits[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified",
                "overhead.limits[foo]: Invalid value: \"foo\": must be a standard resource for containers"),
                validate("'overhead':{'podFixed':{'foo':'1'}}"));
        assertEquals(List.of("overhead.limits[example.com/dongle]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1500, "
                + "scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"1500m\", Format:\"DecimalSI\"}: must be an integer"),
                validate("'overhead':{'podFixed':{'example.com/dongle':'1500m','cpu':'1'}}"), "extended resources are whole numbers");
        assertEquals(List.of("overhead.limits[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi",
                "overhead: Forbidden: HugePages require cpu or memory"),
                validate("'overhead':{'podFixed':{'hugepages-2Mi':'3Mi'}}"));
        assertEquals(List.of("overhead.limits[a/b/c]: Invalid value: \"a/b/c\": a qualified name " + QUALIFIED_ERR
                        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                "overhead.limits[a/b/c]: Invalid value: \"a/b/c\": doesn't follow extended resource name standard"),
                validate("'overhead':{'podFixed':{'a/b/c':'1'}}"));
    }

    @Test
    void kubesSchedulingCases() throws Exception {
        assertEquals(List.of("scheduling.nodeSelector: Invalid value: \"a/b/c\": a qualified name " + QUALIFIED_ERR
                        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                "scheduling.nodeSelector: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric "
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                        + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                validate("'scheduling':{'nodeSelector':{'a/b/c':'x','ok':'bad value'}}"));
        String t = "scheduling.tolerations.tolerations";
        assertEquals(List.of(t + "[0].key: Invalid value: \"nospecialchars^=@\": name part " + QUALIFIED_ERR,
                        t + "[1].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                        t + "[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
                        t + "[3].operator: Invalid value: core.Toleration{Key:\"foo\", Operator:\"Exists\", Value:\"bar\", Effect:\"NoSchedule\", "
                                + "TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'",
                        t + "[4].operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\"",
                        t + "[5].effect: Unsupported value: \"NoAdmit\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                        "scheduling.tolerations[6]: Duplicate value: core.Toleration{Key:\"foo\", Operator:\"Exists\", Value:\"bar\", "
                                + "Effect:\"NoSchedule\", TolerationSeconds:(*int64)(...)}"),
                validate("'scheduling':{'tolerations':[{'key':'nospecialchars^=@','operator':'Equal','value':'bar'},{'operator':'Equal'},"
                        + "{'key':'a','operator':'Exists','effect':'NoSchedule','tolerationSeconds':20},"
                        + "{'key':'foo','operator':'Exists','value':'bar','effect':'NoSchedule'},{'key':'foo','operator':'In'},"
                        + "{'key':'foo','effect':'NoAdmit'},{'key':'foo','operator':'Exists','value':'bar','effect':'NoSchedule','tolerationSeconds':5}]}")
                        .stream().filter(m -> !m.startsWith(t + "[6]")).toList());
    }

    @Test
    void printerIsKubes() throws Exception {
        List<TableColumn> columns = strategy.table().columns();
        assertEquals(List.of("Name", "Handler", "Age"), columns.stream().map(TableColumn::name).toList());
        assertEquals("", columns.get(1).description(), "kube describes Handler by ObjectMeta's (missing) doc of \"handler\"");
        assertEquals(List.of("gvisor", "runsc", "<unknown>"), strategy.table().cells(rc("")));
    }
}
