package io.kapi.group.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** apps/v1's strategies on the group-author API alone: kube's defaults, messages, generations, status rules, printers. */
class AppsStrategiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    private static ObjectNode deployment(String selector, String labels) throws Exception {
        ObjectNode d = obj("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":1},
                 "spec":{"selector":%s,"template":{"metadata":{"labels":%s},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}"""
                .formatted(selector, labels));
        new DeploymentStrategy().applyDefaults(d);
        return d;
    }

    @Test
    void aDeploymentIsDefaultedAndValidatedAsKubeDoes() throws Exception {
        DeploymentStrategy s = new DeploymentStrategy();
        ObjectNode d = deployment("{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}");
        assertEquals(1, d.at("/spec/replicas").asInt());
        assertEquals("RollingUpdate", d.at("/spec/strategy/type").asText());
        assertEquals("25%", d.at("/spec/strategy/rollingUpdate/maxSurge").asText());
        assertEquals("25%", d.at("/spec/strategy/rollingUpdate/maxUnavailable").asText());
        assertEquals(10, d.at("/spec/revisionHistoryLimit").asInt());
        assertEquals(600, d.at("/spec/progressDeadlineSeconds").asInt());
        assertEquals("IfNotPresent", d.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
        assertEquals(List.of(), s.validate(d));

        assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
                messages(s.validate(deployment("{}", "{\"app\":\"web\"}"))));
        assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
                        + "`selector` does not match template `labels`"),
                messages(s.validate(deployment("{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"other\"}"))));
        // kube turns a missing selector into labels.Nothing(), which no template matches: both errors
        assertEquals(List.of("spec.selector: Required value", "spec.template.metadata.labels: Invalid value: "
                        + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"),
                messages(s.validate(deployment("null", "{\"app\":\"web\"}"))));

        ObjectNode recreate = deployment("{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}");
        ((ObjectNode) recreate.at("/spec/strategy")).put("type", "Recreate");
        assertEquals(List.of("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
                messages(s.validate(recreate)));
        ((ObjectNode) recreate.at("/spec/strategy")).put("type", "BlueGreen");
        ((ObjectNode) recreate.at("/spec/strategy")).remove("rollingUpdate");
        assertEquals(List.of("spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", "
                        + "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\""),
                messages(s.validate(recreate)));
        ObjectNode percent = deployment("{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}");
        ((ObjectNode) percent.at("/spec/strategy/rollingUpdate")).put("maxUnavailable", "120%").put("maxSurge", "x");
        percent.with("spec").put("minReadySeconds", 700);
        assertEquals(List.of(
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: "
                        + "must not be greater than 100%",
                "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent "
                        + "string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"),
                messages(s.validate(percent)));
    }

    @Test
    void aDeploymentsSelectorIsImmutableAndItsGenerationFollowsSpecAndAnnotations() throws Exception {
        DeploymentStrategy s = new DeploymentStrategy();
        ObjectNode old = deployment("{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}");
        ObjectNode moved = deployment("{\"matchLabels\":{\"app\":\"web2\"}}", "{\"app\":\"web2\"}");
        assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, "
                + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"), messages(s.validateUpdate(moved, old)));

        ObjectNode annotated = old.deepCopy();
        annotated.with("metadata").putObject("annotations").put("note", "x");
        s.prepareForUpdate(annotated, old);
        assertEquals(2, annotated.at("/metadata/generation").asInt(), "annotations are copied to replica sets: they count");
        ObjectNode relabeled = old.deepCopy();
        relabeled.with("metadata").putObject("labels").put("team", "a");
        s.prepareForUpdate(relabeled, old);
        assertEquals(1, relabeled.at("/metadata/generation").asInt(), "labels do not");
    }

    @Test
    void workloadStatusWritesKeepTheSpecAndAreChecked() throws Exception {
        ObjectNode old = deployment("{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}");
        old.with("metadata").putObject("labels").put("app", "web");
        old.putObject("status").put("collisionCount", 2);
        ObjectNode written = old.deepCopy();
        written.with("spec").put("replicas", 9);
        written.with("metadata").with("labels").put("app", "changed");
        written.with("metadata").putObject("annotations").put("seen", "yes");
        written.putObject("status").put("replicas", 2).put("readyReplicas", 3).put("availableReplicas", 1).put("updatedReplicas", -1);
        WorkloadStatus.DEPLOYMENT.prepareForUpdate(written, old);
        assertEquals(1, written.at("/spec/replicas").asInt());
        assertEquals("web", written.at("/metadata/labels/app").asText(), "a Deployment's labels do not change through /status");
        assertEquals("yes", written.at("/metadata/annotations/seen").asText(), "its annotations do");
        assertEquals(List.of(
                "status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0",
                "status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas",
                "status.collisionCount: Invalid value: 0: cannot be decremented"),
                messages(WorkloadStatus.DEPLOYMENT.validateUpdate(written, old)));
        ObjectNode rs = obj("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"replicas\":1}}");
        ObjectNode rsWritten = obj("{\"metadata\":{\"labels\":{\"a\":\"2\"}},\"spec\":{\"replicas\":5},\"status\":{\"replicas\":1}}");
        WorkloadStatus.REPLICA_SET.prepareForUpdate(rsWritten, rs);
        assertEquals("2", rsWritten.at("/metadata/labels/a").asText(), "a ReplicaSet's labels do");
        assertEquals(1, rsWritten.at("/spec/replicas").asInt());
    }

    @Test
    void statefulSetsDaemonSetsAndRevisions() throws Exception {
        StatefulSetStrategy sts = new StatefulSetStrategy();
        ObjectNode set = obj("""
                {"metadata":{"name":"db"},"spec":{"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
                 "template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"pg","image":""}]}}}}""");
        sts.applyDefaults(set);
        assertEquals("OrderedReady", set.at("/spec/podManagementPolicy").asText());
        assertEquals(0, set.at("/spec/updateStrategy/rollingUpdate/partition").asInt());
        assertEquals("Retain", set.at("/spec/persistentVolumeClaimRetentionPolicy/whenScaled").asText());
        assertEquals(List.of(), sts.validate(set), "kube 1.32 does not validate a StatefulSet's pod spec");
        assertTrue(sts.validateName("a.b", false).size() > 0, "names are DNS labels");
        ObjectNode renamed = set.deepCopy();
        renamed.with("spec").put("serviceName", "other");
        assertEquals(List.of("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                + "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"),
                messages(sts.validateUpdate(renamed, set)));
        ObjectNode scaled = set.deepCopy();
        scaled.with("spec").put("replicas", 3);
        assertEquals(List.of(), sts.validateUpdate(scaled, set));

        DaemonSetStrategy ds = new DaemonSetStrategy();
        ObjectNode daemon = obj("""
                {"metadata":{"name":"agent","generation":1},"spec":{"selector":{"matchLabels":{"app":"a"}},
                 "template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"a","image":"busybox"}]}}}}""");
        ds.applyDefaults(daemon);
        ds.prepareForCreate(daemon);
        assertEquals(1, daemon.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt());
        assertEquals(0, daemon.at("/spec/updateStrategy/rollingUpdate/maxSurge").asInt());
        assertEquals("1", daemon.at("/metadata/annotations/deprecated.daemonset.template.generation").asText());
        ObjectNode changed = daemon.deepCopy();
        ((ObjectNode) changed.at("/spec/template/spec/containers/0")).put("image", "busybox:2");
        ds.prepareForUpdate(changed, daemon);
        assertEquals("2", changed.at("/metadata/annotations/deprecated.daemonset.template.generation").asText());
        assertEquals(2, changed.at("/metadata/generation").asInt());
        ObjectNode noSelector = daemon.deepCopy();
        noSelector.with("spec").remove("selector");
        assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"a\"}: "
                + "`selector` does not match template `labels`"), messages(ds.validate(noSelector)));
        ((ObjectNode) daemon.at("/spec/updateStrategy/rollingUpdate")).put("maxUnavailable", 0);
        assertEquals(List.of("spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"),
                messages(ds.validate(daemon)));

        ObjectNode revision = obj("""
                {"metadata":{"name":"db-1","ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"db","uid":"u","controller":true}]},
                 "revision":1}""");
        ControllerRevisionStrategy cr = new ControllerRevisionStrategy();
        assertEquals(List.of("data: Required value: data is mandatory"), messages(cr.validate(revision)));
        TableConvertor table = cr.table();
        assertEquals("statefulset.apps/db", table.cells(revision).get(1));
    }

    @Test
    void theProviderServesKubesFiveResourcesWithTheirSchemas() {
        List<ResourceDefinition> defs = new AppsGroupProvider().resources();
        List<String> names = new ArrayList<>();
        for (ResourceDefinition d : defs) {
            names.add(d.plural() + "/" + String.join(",", d.shortNames()) + "/" + String.join(",", d.categories())
                    + "/" + (d.status() != null) + "/" + (d.scale() != null));
            assertTrue(d.schema().path("x-kubernetes-group-version-kind").isArray(), d.plural());
            assertTrue(d.definitions().has("io.k8s.api.core.v1.PodTemplateSpec"));
        }
        assertEquals(List.of("deployments/deploy/all/true/true", "replicasets/rs/all/true/true", "statefulsets/sts/all/true/true",
                "daemonsets/ds/all/true/false", "controllerrevisions///false/false"), names);
    }
}
