package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static io.kapi.group.core.VolumeTests.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.StorageBinding;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.storage.Storage;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes as kube 1.32 stores them: the podCIDR/podCIDRs conversion, the status defaults, the fields dropped
 * on create and update, ValidateNode and ValidateNodeUpdate with kube's messages and paths, the status kept
 * on create and the printer.
 */
class NodeStrategyTest {
    private final NodeStrategy nodes = new NodeStrategy();
    private final NodeStatusStrategy status = new NodeStatusStrategy();

    private ObjectNode node(String rest) throws Exception {
        return VolumeTests.created(nodes, "{'apiVersion':'v1','kind':'Node','metadata':{'name':'n1','creationTimestamp':'2026-01-01T00:00:00Z'}"
                + (rest.isEmpty() ? "" : "," + rest) + "}");
    }

    private List<String> errors(String rest) throws Exception {
        return messages(nodes.validate(node(rest)));
    }

    @Test
    void aNodeIsConvertedAndDefaultedAsKubeWritesIt() throws Exception {
        ObjectNode n = node("'spec':{'podCIDR':'10.244.1.0/24','configSource':{'configMap':{'name':'x'}}},"
                + "'status':{'capacity':{'cpu':'1.0005','memory':'1Gi','pods':'110'},'config':{'active':{}}}");
        assertEquals("[\"10.244.1.0/24\"]", n.at("/spec/podCIDRs").toString());
        assertFalse(n.get("spec").has("configSource"), "dropped on create");
        assertFalse(n.get("status").has("config"), "dropped on create");
        assertEquals("{\"cpu\":\"1001m\",\"memory\":\"1Gi\",\"pods\":\"110\"}", n.at("/status/capacity").toString());
        assertEquals(n.at("/status/capacity"), n.at("/status/allocatable"), "SetDefaults_NodeStatus");
        assertEquals("{\"kubeletEndpoint\":{\"Port\":0}}", n.at("/status/daemonEndpoints").toString());
        assertEquals("{\"machineID\":\"\",\"systemUUID\":\"\",\"bootID\":\"\",\"kernelVersion\":\"\",\"osImage\":\"\","
                + "\"containerRuntimeVersion\":\"\",\"kubeletVersion\":\"\",\"kubeProxyVersion\":\"\",\"operatingSystem\":\"\","
                + "\"architecture\":\"\"}", n.at("/status/nodeInfo").toString());
        assertEquals(List.of(), nodes.validate(n));
        // podCIDRs alone give podCIDR; a podCIDR that disagrees with podCIDRs[0] wins (Test_v1_NodeSpec_to_core_NodeSpec)
        assertEquals("10.0.1.0/24", node("'spec':{'podCIDRs':['10.0.1.0/24','ace:cab:deca::/8']}").at("/spec/podCIDR").asText());
        assertEquals("[\"10.0.0.0/24\"]", node("'spec':{'podCIDR':'10.0.0.0/24','podCIDRs':['10.0.1.0/24','ace:cab:deca::/8']}")
                .at("/spec/podCIDRs").toString());
    }

    @Test
    void kubesNodeValidation() throws Exception {
        // taints are reported under metadata, as kube's ValidateNode does
        assertEquals(List.of("metadata.taints[0].effect: Unsupported value: \"NoAdmit\": supported values: \"NoSchedule\", "
                + "\"PreferNoSchedule\", \"NoExecute\""), errors("'spec':{'taints':[{'key':'k','effect':'NoAdmit'}]}"));
        assertEquals(List.of("metadata.taints[0].effect: Required value"), errors("'spec':{'taints':[{'key':'k'}]}"));
        assertEquals(List.of("metadata.taints[1]: Duplicate value: core.Taint{Key:\"k\", Value:\"b\", Effect:\"NoSchedule\", "
                + "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"),
                errors("'spec':{'taints':[{'key':'k','value':'a','effect':'NoSchedule'},{'key':'k','value':'b','effect':'NoSchedule'}]}"));
        assertEquals(List.of(), errors("'spec':{'taints':[{'key':'k','effect':'NoSchedule'},{'key':'k','effect':'NoExecute'}]}"));
        assertEquals(List.of("metadata.taints[0].key: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', "
                + "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
                errors("'spec':{'taints':[{'key':'a b','effect':'NoSchedule'}]}"));
        // pod CIDRs
        assertEquals(List.of("spec.podCIDRs[0]: Invalid value: \"10.0.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"),
                errors("'spec':{'podCIDR':'10.0.0.0'}"));
        assertEquals(List.of("spec.podCIDRs: Invalid value: []string{\"10.0.0.0/24\", \"10.0.1.0/24\"}: may specify no more than one CIDR for each IP family"),
                errors("'spec':{'podCIDRs':['10.0.0.0/24','10.0.1.0/24']}"));
        assertEquals(List.of("spec.podCIDRs: Invalid value: []string{\"10.0.0.0/24\", \"10.0.0.0/24\"}: may specify no more than one CIDR for each IP family",
                "spec.podCIDRs[1]: Duplicate value: \"10.0.0.0/24\""), errors("'spec':{'podCIDRs':['10.0.0.0/24','10.0.0.0/24']}"));
        assertEquals(List.of(), errors("'spec':{'podCIDRs':['10.0.0.0/24','fd00::/64']}"));
        assertEquals(4, NodeStrategy.cidrFamily("::ffff:10.0.0.0/104"), "a v4-mapped address is IPv4 to Go");
        assertEquals(6, NodeStrategy.cidrFamily("2001:db8::/32"));
        assertEquals(0, NodeStrategy.cidrFamily("2001:db8::/129"));
        assertEquals(0, NodeStrategy.cidrFamily("1:2:3:4:5:6:7:8:9/64"));
        // resources
        assertEquals(List.of("status.capacity[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
                "status.allocatable[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"),
                errors("'status':{'capacity':{'cpu':'-1'}}"));
        assertEquals(List.of("status.capacity[pods]: Invalid value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, "
                + "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"500m\", Format:\"DecimalSI\"}: must be an integer"),
                errors("'status':{'capacity':{'pods':'500m'},'allocatable':{'pods':'1'}}"));
        assertEquals(List.of(), errors("'status':{'capacity':{'example.com/gpu':'2','hugepages-2Mi':'1Gi'}}"));
    }

    @Test
    void anUpdateKeepsTheStatusAndTheOnceSetFields() throws Exception {
        ObjectNode old = node("'spec':{'podCIDR':'10.244.1.0/24','providerID':'aws:///i-1','externalID':'e'},"
                + "'status':{'capacity':{'cpu':'2'}}");
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.get("spec")).put("unschedulable", true);
        ((ObjectNode) changed.get("spec")).putObject("configSource");
        assertEquals(List.of(), VolumeTests.updateErrors(nodes, old, changed));
        assertFalse(changed.get("spec").has("configSource"), "the stored node has none");

        ObjectNode moved = old.deepCopy();
        ((ObjectNode) moved.get("spec")).put("podCIDR", "10.244.2.0/24").put("providerID", "aws:///i-2").put("externalID", "f");
        ((ObjectNode) moved.get("spec")).remove("podCIDRs");
        assertEquals(List.of("spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid",
                "spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid",
                "spec.externalID: Forbidden: may not be updated"), VolumeTests.updateErrors(nodes, old, moved));
        ObjectNode unset = node("");
        ObjectNode assigned = unset.deepCopy();
        ((ObjectNode) assigned.get("spec")).put("podCIDR", "10.244.3.0/24").put("providerID", "aws:///i-3");
        assertEquals(List.of(), VolumeTests.updateErrors(nodes, unset, assigned), "set once from empty");

        // kube's strategy runs ValidateNode and ValidateNodeUpdate: a bad taint is reported twice
        ObjectNode tainted = old.deepCopy();
        ((ObjectNode) tainted.get("spec")).putArray("taints").addObject().put("key", "k");
        assertEquals(List.of("metadata.taints[0].effect: Required value", "metadata.taints[0].effect: Required value"),
                VolumeTests.updateErrors(nodes, old, tainted));
    }

    @Test
    void theStatusSubresourceKeepsTheSpecAndChecksAddresses() throws Exception {
        ObjectNode old = node("'spec':{'unschedulable':true}");
        ObjectNode write = old.deepCopy();
        ((ObjectNode) write.get("spec")).put("unschedulable", false);
        ((ObjectNode) write.get("status")).putObject("config");
        ((ObjectNode) write.get("status")).putArray("addresses").add(obj("{'type':'InternalIP','address':'10.0.0.1'}"))
                .add(obj("{'type':'InternalIP','address':'10.0.0.1'}"));
        status.prepareForUpdate(write, old);
        assertTrue(write.at("/spec/unschedulable").asBoolean());
        assertFalse(write.get("status").has("config"));
        assertEquals(List.of("status.addresses[1]: Duplicate value: core.NodeAddress{Type:\"InternalIP\", Address:\"10.0.0.1\"}"),
                messages(status.validateUpdate(write, old)));
    }

    @Test
    void aCreateKeepsTheStatusItCarries(@TempDir Path dir) throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            NodeRest rest = new NodeRest(binding(storage), nodes);
            RequestContext ctx = new RequestContext("", new UserInfo("admin", "", List.of("system:masters")), false, "test");
            ObjectNode created = rest.create(ctx, obj("{'apiVersion':'v1','kind':'Node','metadata':{'name':'n1'},"
                    + "'status':{'capacity':{'cpu':'4'},'conditions':[{'type':'Ready','status':'True'}],"
                    + "'nodeInfo':{'kubeletVersion':'v1.32.0'}}}"));
            assertEquals("4", created.at("/status/allocatable/cpu").asText());
            assertEquals("v1.32.0", created.at("/status/nodeInfo/kubeletVersion").asText());
            assertEquals(List.of("n1", "Ready", "<none>"), rest.cells(created).subList(0, 3));
            ObjectNode bare = rest.create(ctx, obj("{'apiVersion':'v1','kind':'Node','metadata':{'name':'n2'}}"));
            assertEquals("Unknown", rest.cells(bare).get(1));
            ObjectNode updated = rest.update(ctx, "n1", o -> {
                ObjectNode next = o.deepCopy();
                next.remove("status");
                return next;
            }).object();
            assertEquals("4", updated.at("/status/capacity/cpu").asText(), "the main resource keeps the stored status");
        }
    }

    private static StorageBinding binding(Storage storage) {
        return new StorageBinding() {
            @Override
            public Storage storage() {
                return storage;
            }

            @Override
            public String keyPrefix() {
                return "/registry/minions/";
            }

            @Override
            public RestStore genericStore(Strategy strategy) {
                return new GenericStore(new ResourceMeta("", "v1", "nodes", "Node", false), strategy, storage, NamespaceGuard.NONE,
                        NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, true, null));
            }
        };
    }

    @Test
    void thePrinterAndTheFieldSelectorAreKubes() throws Exception {
        ObjectNode n = node("'metadata':{'name':'n1','creationTimestamp':'2026-01-01T00:00:00Z','labels':{"
                + "'node-role.kubernetes.io/control-plane':'','node-role.kubernetes.io/worker':'','kubernetes.io/role':'infra'}},"
                + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'False'}],"
                + "'addresses':[{'type':'Hostname','address':'n1'},{'type':'InternalIP','address':'10.0.0.5'}],"
                + "'nodeInfo':{'kubeletVersion':'v1.32.1','osImage':'Ubuntu 24.04','containerRuntimeVersion':'containerd://2.0.0'}}");
        List<Object> cells = nodes.table().cells(n);
        assertEquals(List.of("n1", "NotReady,SchedulingDisabled", "control-plane,infra,worker"), cells.subList(0, 3));
        assertEquals(List.of("v1.32.1", "10.0.0.5", "<none>", "Ubuntu 24.04", "<unknown>", "containerd://2.0.0"), cells.subList(4, 10));
        assertEquals(List.of("Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version",
                "Container-Runtime"), nodes.table().columns().stream().map(TableColumn::name).toList());
        assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 1), nodes.table().columns().stream().map(TableColumn::priority).toList());
        assertEquals("true", nodes.selectableFields(n).get("spec.unschedulable"));
        assertEquals("false", nodes.selectableFields(node("")).get("spec.unschedulable"));

        ResourceDefinition def = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("nodes")).findFirst().orElseThrow();
        assertFalse(def.namespaced());
        assertEquals(List.of("no"), def.shortNames());
        assertEquals(List.of(), def.categories());
        assertTrue(def.status() instanceof NodeStatusStrategy);
        assertTrue(def.storage() != null, "the create-keeps-status storage");
        assertEquals("object", def.schema().path("type").asText());
    }
}
