package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ReplicationControllers as kube 1.32 stores them: SetDefaults_ReplicationController, the empty status,
 * ValidateReplicationController's cases with kube's messages (the spec twice on update, as kube's strategy
 * validates it), the status validation, printer, field selector and registration.
 */
class ReplicationControllerStrategyTest {
    private final ReplicationControllerStrategy rcs = new ReplicationControllerStrategy();
    private final ReplicationControllerStatusStrategy status = new ReplicationControllerStatusStrategy();

    private static final String TEMPLATE = "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'web','image':'nginx'}]}}";

    private ObjectNode rc(String spec) throws Exception {
        return VolumeTests.created(rcs, "{'apiVersion':'v1','kind':'ReplicationController','metadata':{'name':'web','namespace':'default',"
                + "'creationTimestamp':'2026-01-01T00:00:00Z'},'spec':" + spec + "}");
    }

    private List<String> errors(String spec) throws Exception {
        return messages(rcs.validate(rc(spec)));
    }

    @Test
    void selectorLabelsAndReplicasComeFromTheTemplate() throws Exception {
        ObjectNode rc = rc("{" + TEMPLATE + "}");
        assertEquals("{\"app\":\"web\"}", rc.at("/spec/selector").toString());
        assertEquals("{\"app\":\"web\"}", rc.at("/metadata/labels").toString());
        assertEquals(1, rc.at("/spec/replicas").asInt());
        assertEquals("{\"replicas\":0}", rc.get("status").toString());
        assertTrue(rc.at("/spec/template/metadata").has("creationTimestamp"));
        assertEquals("Always", rc.at("/spec/template/spec/restartPolicy").asText());
        assertEquals("Always", rc.at("/spec/template/spec/containers/0/imagePullPolicy").asText(), "no tag is :latest");
        assertEquals(List.of(), rcs.validate(rc));
        assertTrue(rcs.tracksGeneration());
        // what the client set stays
        ObjectNode own = rc("{'replicas':0,'selector':{'app':'web'}," + TEMPLATE.replace("'app':'web'", "'app':'web','tier':'fe'") + "}");
        assertEquals("{\"app\":\"web\"}", own.at("/spec/selector").toString());
        assertEquals(0, own.at("/spec/replicas").asInt());
        assertEquals(List.of(), rcs.validate(own));
    }

    @Test
    void kubesReplicationControllerValidation() throws Exception {
        assertEquals(List.of("spec.selector: Required value", "spec.template: Required value"), errors("{}"));
        assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"),
                errors("{'selector':{'app':'db'}," + TEMPLATE + "}"));
        assertEquals(List.of("spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
                errors("{'replicas':-1,'minReadySeconds':-1," + TEMPLATE + "}"));
        assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""),
                errors("{" + TEMPLATE.replace("'containers'", "'restartPolicy':'OnFailure','containers'") + "}"));
        assertEquals(List.of("spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported"),
                errors("{" + TEMPLATE.replace("'containers'", "'activeDeadlineSeconds':5,'containers'") + "}"));
        assertEquals(List.of("spec.template.spec.containers: Required value"),
                errors("{'template':{'metadata':{'labels':{'app':'web'}},'spec':{}}}"));
        assertEquals(List.of("spec.template.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
                + "or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                errors("{'selector':{'app':'web'}," + TEMPLATE.replace("'app':'web'", "'app':'web','x':'-bad'") + "}"));
    }

    @Test
    void anUpdateIsValidatedTwiceAndBumpsNothingHere() throws Exception {
        ObjectNode old = rc("{" + TEMPLATE + "}");
        ObjectNode bad = old.deepCopy();
        ((ObjectNode) bad.get("spec")).put("replicas", -2);
        assertEquals(List.of("spec.replicas: Invalid value: -2: must be greater than or equal to 0",
                "spec.replicas: Invalid value: -2: must be greater than or equal to 0"), VolumeTests.updateErrors(rcs, old, bad));
        // a selector the old object marks non-convertible may not change
        ObjectNode marked = old.deepCopy();
        ((ObjectNode) marked.get("metadata")).putObject("annotations").put("non-convertible.kubernetes.io/selector", "x")
                .put("non-convertible.kubernetes.io/other", "y");
        ObjectNode moved = marked.deepCopy();
        ((ObjectNode) moved.get("spec")).putObject("selector").put("app", "web2");
        ((ObjectNode) moved.at("/spec/template/metadata/labels")).put("app", "web2");
        assertEquals(List.of("other: Not found: \"y\": unknown non-convertible field",
                "spec.selector: Invalid value: map[string]string{\"app\":\"web2\"}: cannot update non-convertible selector"),
                VolumeTests.updateErrors(rcs, marked, moved));
    }

    @Test
    void theStatusIsKubes() throws Exception {
        ObjectNode old = rc("{" + TEMPLATE + "}");
        ObjectNode write = old.deepCopy();
        ((ObjectNode) write.get("spec")).put("replicas", 7);
        write.putObject("status").put("replicas", 2).put("readyReplicas", 3).put("availableReplicas", 4).put("observedGeneration", -1);
        status.prepareForUpdate(write, old);
        assertEquals(1, write.at("/spec/replicas").asInt(), "the stored spec stays");
        assertEquals(List.of("status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
                "status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas",
                "status.availableReplicas: Invalid value: 4: cannot be greater than status.replicas",
                "status.availableReplicas: Invalid value: 4: cannot be greater than readyReplicas"),
                messages(status.validateUpdate(write, old)));
    }

    @Test
    void printerFieldSelectorAndRegistration() throws Exception {
        ObjectNode rc = rc("{'replicas':3," + TEMPLATE.replace("'containers':[{'name':'web','image':'nginx'}]",
                "'containers':[{'name':'web','image':'nginx'},{'name':'log','image':'busybox'}]") + "}");
        ((ObjectNode) rc.get("status")).put("replicas", 2).put("readyReplicas", 1);
        List<Object> cells = rcs.table().cells(rc);
        assertEquals(List.of("web", 3L, 2L, 1L), cells.subList(0, 4));
        assertEquals(List.of("web,log", "nginx,busybox", "app=web"), cells.subList(5, 8));
        assertEquals(List.of("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"),
                rcs.table().columns().stream().map(TableColumn::name).toList());
        assertEquals("integer", rcs.table().columns().get(1).type());
        assertEquals("2", rcs.selectableFields(rc).get("status.replicas"));

        ResourceDefinition def = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("replicationcontrollers"))
                .findFirst().orElseThrow();
        assertTrue(def.namespaced());
        assertEquals(List.of("rc"), def.shortNames());
        assertEquals(List.of("all"), def.categories());
        assertEquals("replicationcontroller", def.singular());
        assertTrue(def.status() instanceof ReplicationControllerStatusStrategy);
        assertEquals(ScaleSubresource.replicas(), def.scale());
    }
}
