package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AffinityValidationTest {
    @Test
    void nodeSelectorOperators() {
        String terms = "a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]";
        assertEquals(List.of(terms + ".matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
                terms + ".matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                terms + ".matchFields[0].values: Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
                errors(c -> AffinityValidation.affinity(json("{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{"
                        + "'matchExpressions':[{'key':'cores','operator':'Gt','values':['1','2']},{'key':'gpu','operator':'DoesNotExist','values':['x']}],"
                        + "'matchFields':[{'key':'metadata.name','operator':'NotIn','values':[]}]}]}}}"), "a", c)));
    }

    @Test
    void preferredTermsMayCarryInvalidLabelValues() {
        assertEquals(List.of(), errors(c -> AffinityValidation.affinity(json("{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':"
                + "[{'weight':1,'preference':{'matchExpressions':[{'key':'k','operator':'In','values':['-bad-']}]}}]}}"), "a", c)));
    }

    @Test
    void podAffinityTerms() {
        String t = "a.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
        assertEquals(List.of(t + ".mismatchLabelKeys: Forbidden: must not be specified when labelSelector is not set",
                t + ".topologyKey: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                        + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
                errors(c -> AffinityValidation.affinity(json("{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                        + "[{'topologyKey':'a/b/c','mismatchLabelKeys':['app']}]}}"), "a", c)));
    }
}
