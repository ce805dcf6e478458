package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class NodeSelectorTermsTest {
    @Test
    void goSyntaxOfTerms() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals("[]core.NodeSelectorTerm(nil)", NodeSelectorTerms.go(null));
        assertEquals("[]core.NodeSelectorTerm{core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{}, "
                        + "MatchFields:[]core.NodeSelectorRequirement{core.NodeSelectorRequirement{Key:\"metadata.name\", Operator:\"In\", "
                        + "Values:[]string{\"n\"}}, core.NodeSelectorRequirement{Key:\"k\", Operator:\"Exists\", Values:[]string(nil)}}}}",
                NodeSelectorTerms.go(json.readTree("[{\"matchExpressions\":[],\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\","
                        + "\"values\":[\"n\"]},{\"key\":\"k\",\"operator\":\"Exists\"}]}]")));
    }
}
