package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A manager's field set reconciled with a schema whose nodes became atomic since it was recorded. */
class SchemaChangesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static com.fasterxml.jackson.databind.JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s.replace('\'', '"'));
    }

    private static FieldSet fields(String fieldsV1) throws Exception {
        return FieldSet.fromFieldsV1(json(fieldsV1));
    }

    private static Structure schema(String mapType, String listType) throws Exception {
        return Structure.of(json("{'type':'object','properties':{"
                + "'struct':{'type':'object','x-kubernetes-map-type':'" + mapType + "','properties':{'a':{'type':'integer'},'b':{'type':'integer'}}},"
                + "'list':{'type':'array','x-kubernetes-list-type':'" + listType + "','items':{'type':'string'}},"
                + "'items':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],'items':{'type':'object',"
                + "'properties':{'name':{'type':'string'},'labels':{'type':'object','x-kubernetes-map-type':'" + mapType + "',"
                + "'additionalProperties':{'type':'string'}}}}}}}"), null);
    }

    @Test
    void whatWasOwnedInsideANowAtomicNodeIsTheNode() throws Exception {
        FieldSet recorded = fields("{'f:struct':{'f:a':{}},'f:list':{'v:\\\"x\\\"':{}},"
                + "'f:items':{'k:{\\\"name\\\":\\\"n\\\"}':{'.':{},'f:name':{},'f:labels':{'.':{},'f:l':{}}}},'f:unknown':{'f:x':{}}}");
        assertEquals(fields("{'f:struct':{},'f:list':{},'f:items':{'k:{\\\"name\\\":\\\"n\\\"}':{'.':{},'f:name':{},'f:labels':{}}},"
                + "'f:unknown':{'f:x':{}}}"), SchemaChanges.reconcile(recorded, schema("atomic", "atomic")));
    }

    @Test
    void aSetThatFitsTheSchemaIsLeftAsItIs() throws Exception {
        FieldSet granular = fields("{'f:struct':{'f:a':{}},'f:list':{'v:\\\"x\\\"':{}}}");
        assertSame(granular, SchemaChanges.reconcile(granular, schema("granular", "set")));
        // a node owned whole stays so when it becomes granular (nothing to do), or is atomic already
        FieldSet whole = fields("{'f:struct':{},'f:list':{}}");
        assertSame(whole, SchemaChanges.reconcile(whole, schema("granular", "set")));
        assertSame(whole, SchemaChanges.reconcile(whole, schema("atomic", "atomic")));
    }
}
