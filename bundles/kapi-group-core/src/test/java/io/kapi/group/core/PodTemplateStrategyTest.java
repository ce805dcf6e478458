package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PodTemplates as kube 1.32 stores them: the template's defaults, its generation, ValidatePodTemplate, printPodTemplate. */
class PodTemplateStrategyTest {
    private final PodTemplateStrategy templates = new PodTemplateStrategy();

    private ObjectNode template(String template) throws Exception {
        return VolumeTests.created(templates, "{'apiVersion':'v1','kind':'PodTemplate','metadata':{'name':'t','namespace':'default',"
                + "'generation':1},'template':" + template + "}");
    }

    @Test
    void theTemplateIsDefaultedAndValidatedWithAnyRestartPolicy() throws Exception {
        ObjectNode t = template("{'metadata':{'labels':{'app':'web'}},'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'busybox:latest'}]}}");
        assertEquals("Always", t.at("/template/spec/containers/0/imagePullPolicy").asText());
        assertEquals("ClusterFirst", t.at("/template/spec/dnsPolicy").asText());
        assertTrue(t.at("/template/metadata").has("creationTimestamp"));
        assertEquals(List.of(), templates.validate(t));
        assertTrue(templates.tracksGeneration(), "generation 1 on create, from the store");
        assertEquals(List.of("template.spec.containers: Required value"), messages(templates.validate(
                VolumeTests.created(templates, "{'metadata':{'name':'t'}}"))));
        assertEquals(List.of("template.spec.containers[0].image: Required value",
                "template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""),
                messages(templates.validate(template("{'spec':{'restartPolicy':'Sometimes','containers':[{'name':'c'}]}}"))));
        assertEquals(List.of("template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template"),
                messages(templates.validate(template("{'spec':{'containers':[{'name':'c','image':'i'}],"
                        + "'ephemeralContainers':[{'name':'e','image':'i'}]}}"))).subList(0, 1));
    }

    @Test
    void aTemplateChangeBumpsTheGeneration() throws Exception {
        ObjectNode old = template("{'spec':{'containers':[{'name':'c','image':'nginx:1.26'}]}}");
        ObjectNode same = old.deepCopy();
        ((ObjectNode) same.get("metadata")).putObject("labels").put("x", "y");
        assertEquals(List.of(), VolumeTests.updateErrors(templates, old, same));
        assertEquals(1, same.at("/metadata/generation").asInt(), "metadata changes do not count");
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.at("/template/spec/containers/0")).put("image", "nginx:1.27");
        assertEquals(List.of(), VolumeTests.updateErrors(templates, old, changed));
        assertEquals(2, changed.at("/metadata/generation").asInt());
    }

    @Test
    void printerAndRegistration() throws Exception {
        ObjectNode t = template("{'metadata':{'labels':{'tier':'fe','app':'web'}},'spec':{'containers':[{'name':'a','image':'nginx'},"
                + "{'name':'b','image':'redis'}]}}");
        assertEquals(List.of("t", "a,b", "nginx,redis", "app=web,tier=fe"), templates.table().cells(t));
        assertEquals("<none>", templates.table().cells(template("{'spec':{'containers':[]}}")).get(3));
        assertEquals(List.of("Name", "Containers", "Images", "Pod Labels"),
                templates.table().columns().stream().map(TableColumn::name).toList());
        ResourceDefinition def = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("podtemplates"))
                .findFirst().orElseThrow();
        assertTrue(def.namespaced());
        assertEquals(List.of(), def.shortNames());
        assertEquals(List.of(), def.categories());
        assertEquals("podtemplate", def.singular());
    }
}
