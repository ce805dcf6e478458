package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodUpdateValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A valid pod (as podtest.MakePod builds it) with {@code spec} merged in; single quotes for readability. */
    private static ObjectNode pod(String spec) throws Exception {
        ObjectNode p = (ObjectNode) JSON.readTree(("{'metadata':{'name':'p','namespace':'default'},'spec':{'containers':[{'name':'c','image':'i',"
                + "'imagePullPolicy':'IfNotPresent','terminationMessagePolicy':'File'}],'dnsPolicy':'ClusterFirst','restartPolicy':'Always',"
                + "'terminationGracePeriodSeconds':30}}").replace('\'', '"'));
        ((ObjectNode) p.get("spec")).setAll((ObjectNode) JSON.readTree(spec.replace('\'', '"')));
        return p;
    }

    private static List<String> errors(ObjectNode pod, ObjectNode old) {
        return PodUpdateValidation.validate(pod, old).stream().map(FieldCause::describe).toList();
    }

    @Test
    void gatesMayOnlyGo() throws Exception {
        assertEquals(List.of("spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'b'"),
                errors(pod("{'schedulingGates':[{'name':'a'},{'name':'b'}]}"), pod("{'schedulingGates':[{'name':'a'}]}")));
        assertEquals(List.of(), errors(pod("{}"), pod("{'schedulingGates':[{'name':'a'}]}")));
    }

    @Test
    void aGatedPodsNodeAffinityOnlyGrows() throws Exception {
        String old = "{'schedulingGates':[{'name':'g'}],'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'k','operator':'In','values':['a']}]}]}}}}";
        assertEquals(List.of(), errors(pod(old.replace("]}]}", "]},{'key':'k2','operator':'Exists'}]}")), pod(old)));
        assertEquals(List.of("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value: "
                        + "core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{core.NodeSelectorRequirement{Key:\"k\", "
                        + "Operator:\"In\", Values:[]string{\"b\"}}}, MatchFields:[]core.NodeSelectorRequirement(nil)}: "
                        + "only additions are allowed (no mutations or deletions)"),
                errors(pod(old.replace("['a']", "['b']")), pod(old)));
        assertEquals(List.of("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Invalid value: "
                        + "[]core.NodeSelectorTerm(nil): no additions/deletions to non-empty NodeSelectorTerms list are allowed while pod is gated"),
                errors(pod("{'schedulingGates':[{'name':'g'}],'affinity':{'nodeAffinity':{}}}"), pod(old)));
    }

    @Test
    void theQosClassStays() throws Exception {
        ObjectNode old = pod("{}");
        old.putObject("status").put("qosClass", "BestEffort");
        assertEquals(List.of("metadata: Invalid value: \"\": Pod QOS is immutable", "spec: Forbidden: " + PodStrategy.UPDATABLE),
                errors(pod("{'containers':[{'name':'c','image':'i','imagePullPolicy':'IfNotPresent','terminationMessagePolicy':'File',"
                        + "'resources':{'requests':{'cpu':'1'}}}]}"), old));
    }

    @Test
    void deadlinesOnlyShrink() throws Exception {
        assertEquals(List.of("spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"),
                errors(pod("{'activeDeadlineSeconds':0}"), pod("{'activeDeadlineSeconds':5}")));
        assertEquals(List.of("spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"),
                errors(pod("{}"), pod("{'activeDeadlineSeconds':5}")));
    }
}
