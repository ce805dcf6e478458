package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.StructuralRulesTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** kube's update options: each rule is relaxed only when the stored definition already breaks it. */
class SchemaCheckOptionsTest {
    private static SchemaCheckOptions stored(String schema) {
        return SchemaCheckOptions.forUpdate(j("{'versions':[{'name':'v1','schema':{'openAPIV3Schema':" + schema + "}}]}"));
    }

    @Test
    void relaxedOnlyForWhatIsAlreadyStored() {
        assertEquals(SchemaCheckOptions.CREATE, stored("{'type':'object','properties':{'a':{'type':'string','default':'x'}}}"));
        assertEquals(new SchemaCheckOptions(true, true, false, true, true, true),
                stored("{'type':'object','properties':{'a':{'type':'object','default':{'x':1}}}}"));
        assertEquals(new SchemaCheckOptions(true, true, true, false, true, true),
                stored("{'type':'object','properties':{'a':{'type':'bogus'}}}"));
        assertEquals(new SchemaCheckOptions(true, true, true, true, false, true),
                stored("{'type':'object','properties':{'a':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'object'}}}}"));
        assertEquals(new SchemaCheckOptions(true, true, true, true, true, false),
                stored("{'type':'object','properties':{'a':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['k'],"
                        + "'items':{'type':'object','properties':{'k':{'type':'string'}}}}}}"));
    }
}
