package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FieldManager#extractItems} and {@link FieldSet#leaves()} on a Deployment-like kind, as
 * client-go's {@code ExtractInto} reads a manager's applied configuration back from a stored object
 * (the leaves of its Apply entry, extracted with structured-merge-diff's {@code ExtractItems}).
 */
class FieldManagerExtractTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String T0 = "2026-12-05T08:00:00Z";

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) MAPPER.readTree(s.replace('\'', '"'));
    }

    private final FieldManager deployments;

    FieldManagerExtractTest() throws Exception {
        Map<String, JsonNode> refs = Map.of("#/components/schemas/Meta", json("{'type':'object','properties':{'name':{'type':'string'},"
                + "'labels':{'type':'object','additionalProperties':{'type':'string'}},"
                + "'finalizers':{'type':'array','items':{'type':'string'},'x-kubernetes-list-type':'set'}}}"));
        deployments = new FieldManager(json("{'type':'object','properties':{'metadata':{'$ref':'#/components/schemas/Meta'},"
                + "'spec':{'type':'object','properties':{'replicas':{'type':'integer'},"
                + "'selector':{'type':'object','x-kubernetes-map-type':'atomic','properties':{'matchLabels':{'type':'object',"
                + "'additionalProperties':{'type':'string'}}}},"
                + "'containers':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],"
                + "'items':{'type':'object','properties':{'name':{'type':'string'},'image':{'type':'string'},"
                + "'args':{'type':'array','items':{'type':'string'}},"
                + "'env':{'type':'object','additionalProperties':{'type':'string'}}}}},"
                + "'extra':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}}}"),
                refs::get, "apps/v1");
    }

    /** The set of {@code manager}'s Apply entry. */
    private static FieldSet applied(ObjectNode o, String manager) {
        for (JsonNode e : o.at("/metadata/managedFields")) {
            if (e.get("manager").asText().equals(manager) && e.get("operation").asText().equals("Apply")) {
                return FieldSet.fromFieldsV1(e.get("fieldsV1"));
            }
        }
        throw new AssertionError("no Apply entry of " + manager);
    }

    @Test
    void leavesDropMembersThatHaveMembersBelowThem() {
        FieldSet s = new FieldSet();
        s.insert(List.of("f:spec"));
        s.insert(List.of("f:spec", "f:replicas"));
        s.insert(List.of("f:spec", "f:containers", "k:{\"name\":\"a\"}"));
        s.insert(List.of("f:spec", "f:containers", "k:{\"name\":\"a\"}", "f:image"));
        s.insert(List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}"));
        s.insert(List.of("f:metadata", "f:labels"));
        FieldSet want = new FieldSet();
        want.insert(List.of("f:spec", "f:replicas"));
        want.insert(List.of("f:spec", "f:containers", "k:{\"name\":\"a\"}", "f:image"));
        want.insert(List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}"));
        want.insert(List.of("f:metadata", "f:labels"));
        FieldSet leaves = s.leaves();
        assertEquals(want, leaves);
        assertEquals(leaves, leaves.leaves(), "leaves are their own leaves");
        assertTrue(new FieldSet().leaves().isEmpty());
    }

    /**
     * What a manager applied comes back from the stored object after another manager changed other
     * fields: its container by key with just the fields it set, its label, its atomic values whole.
     */
    @Test
    void anAppliedConfigurationComesBackFromTheStoredObject() throws Exception {
        ObjectNode config = json("{'metadata':{'labels':{'app':'web'}},'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},"
                + "'containers':[{'name':'main','image':'nginx','args':['-g','daemon off;']}]}}");
        ObjectNode live = deployments.apply(null, config, "mine", false, T0);
        ObjectNode other = live.deepCopy();
        ((ObjectNode) other.at("/metadata/labels")).put("tier", "front");
        ((ObjectNode) other.at("/spec/containers/0")).putObject("env").put("A", "1");
        ((com.fasterxml.jackson.databind.node.ArrayNode) other.at("/spec/containers")).add(json("{'name':'sidecar','image':'envoy'}"));
        deployments.update(live, other, "controller", T0);

        assertEquals(config, deployments.extractItems(other, applied(other, "mine").leaves(), false));
    }

    /**
     * In an untyped value each map entry is a member, also one that holds a map: extracted with the
     * whole set, such an entry is walked with the set of its own level and loses what is below it;
     * its leaves give it back.
     */
    @Test
    void theLeavesOfASetAreWhatGivesNestedUntypedMapsBack() throws Exception {
        ObjectNode config = json("{'spec':{'extra':{'a':{'b':1}}}}");
        ObjectNode live = deployments.apply(null, config, "mine", false, T0);
        FieldSet set = applied(live, "mine");
        assertTrue(set.has(List.of("f:spec", "f:extra", "f:a")), set.toString());
        assertEquals(config, deployments.extractItems(live, set.leaves(), false));
        assertEquals(json("{'spec':{'extra':{'a':null}}}"), deployments.extractItems(live, set, false));
    }

    /** A map-list item named by its key alone (no fields of it below) comes whole, every field of it. */
    @Test
    void anItemNamedWithoutItsFieldsComesWhole() throws Exception {
        ObjectNode object = json("{'spec':{'containers':[{'name':'a','image':'x','args':['1']},{'name':'b','image':'y'}]}}");
        FieldSet items = new FieldSet();
        items.insert(List.of("f:spec", "f:containers", FieldSet.key(Map.of("name", MAPPER.getNodeFactory().textNode("b")))));
        assertEquals(json("{'spec':{'containers':[{'name':'b','image':'y'}]}}"), deployments.extractItems(object, items, false));
    }

    /**
     * An item named by one field gets its key fields only with {@code withKeyFields}; without, the item
     * has just that field. With it, a path the object does not set brings no key fields.
     */
    @Test
    void keyFieldsComeAlongOnlyWhenAsked() throws Exception {
        ObjectNode object = json("{'spec':{'containers':[{'name':'a','image':'x','args':['1']}]}}");
        FieldSet items = new FieldSet();
        String a = FieldSet.key(Map.of("name", MAPPER.getNodeFactory().textNode("a")));
        items.insert(List.of("f:spec", "f:containers", a, "f:image"));
        assertEquals(json("{'spec':{'containers':[{'image':'x'}]}}"), deployments.extractItems(object, items, false));
        assertEquals(json("{'spec':{'containers':[{'name':'a','image':'x'}]}}"), deployments.extractItems(object, items, true));

        FieldSet absent = new FieldSet();
        absent.insert(List.of("f:spec", "f:containers", a, "f:env"));
        assertEquals(json("{'spec':{'containers':[null]}}"), deployments.extractItems(object, absent, true));
    }

    /**
     * SMD walks the value of a member field with the set of the map that holds it: a granular map the
     * set names as a whole (an owner of {@code env: {}} that others filled since) comes back null,
     * and an entry of it that happens to share a name with the member's siblings is taken.
     */
    @Test
    void aMemberFieldWithAGranularValueIsWalkedWithTheSetThatHoldsIt() throws Exception {
        ObjectNode object = json("{'spec':{'containers':[{'name':'a','env':{'X':'1','image':'2'},'image':'i'}]}}");
        String a = FieldSet.key(Map.of("name", MAPPER.getNodeFactory().textNode("a")));
        FieldSet env = new FieldSet();
        env.insert(List.of("f:spec", "f:containers", a, "f:env"));
        assertEquals(json("{'spec':{'containers':[{'env':null}]}}"), deployments.extractItems(object, env, false));
        env.insert(List.of("f:spec", "f:containers", a, "f:image"));
        assertEquals(json("{'spec':{'containers':[{'env':{'image':'2'},'image':'i'}]}}"), deployments.extractItems(object, env, false));
    }

    /** Null, {} and [] come as they are; atomic values whole; sets by value; a map nothing is taken from is null. */
    @Test
    void emptyAtomicAndSetValues() throws Exception {
        ObjectNode object = json("{'metadata':{'labels':{},'finalizers':['x','y']},'spec':{'containers':[],"
                + "'selector':{'matchLabels':{'a':'b'}}}}");
        FieldSet items = new FieldSet();
        items.insert(List.of("f:metadata", "f:labels"));
        items.insert(List.of("f:metadata", "f:finalizers", FieldSet.value(MAPPER.getNodeFactory().textNode("y"))));
        items.insert(List.of("f:spec", "f:containers"));
        items.insert(List.of("f:spec", "f:selector"));
        assertEquals(json("{'metadata':{'labels':{},'finalizers':['y']},'spec':{'containers':[],'selector':{'matchLabels':{'a':'b'}}}}"),
                deployments.extractItems(object, items, false));

        // a map the set descends into keeps the entry, null, when nothing below it is taken
        FieldSet unset = new FieldSet();
        unset.insert(List.of("f:spec", "f:replicas"));
        assertEquals(json("{'spec':null}"), deployments.extractItems(object, unset, false));
        FieldSet elsewhere = new FieldSet();
        elsewhere.insert(List.of("f:status"));
        assertTrue(deployments.extractItems(object, elsewhere, false).isNull());
    }
}
