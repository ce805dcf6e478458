package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Swagger document in gnostic's protobuf, read back field by field with the numbers of
 * google/gnostic-models {@code openapiv2/OpenAPIv2.proto} (Apache-2.0): the paths kubectl walks for
 * its field-validation check and the definitions it parses for client-side validation.
 */
class OpenApiV2ProtobufTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static UnknownFieldSet parse(ByteString bytes) throws Exception {
        return UnknownFieldSet.parseFrom(bytes);
    }

    private static ByteString one(UnknownFieldSet msg, int field) {
        List<ByteString> values = msg.getField(field).getLengthDelimitedList();
        assertEquals(1, values.size(), "field " + field);
        return values.get(0);
    }

    private static String str(UnknownFieldSet msg, int field) {
        return one(msg, field).toStringUtf8();
    }

    @Test
    void pathsOperationsParametersAndDefinitionsHaveGnosticsFieldNumbers() throws Exception {
        String json = ("{'swagger':'2.0','info':{'title':'Kubernetes','version':'v1.32.0'},"
                + "'paths':{'/api/v1/namespaces/{namespace}/configmaps/{name}':{'patch':{'operationId':'patchConfigMap',"
                + "'consumes':['application/merge-patch+json'],'x-kubernetes-action':'patch',"
                + "'x-kubernetes-group-version-kind':{'group':'','kind':'ConfigMap','version':'v1'},"
                + "'parameters':[{'name':'fieldValidation','in':'query','type':'string','uniqueItems':true},"
                + "{'name':'body','in':'body','required':true,'schema':{'$ref':'#/definitions/io.k8s.api.core.v1.ConfigMap'}}],"
                + "'responses':{'200':{'description':'OK','schema':{'$ref':'#/definitions/io.k8s.api.core.v1.ConfigMap'}}}},"
                + "'parameters':[{'name':'name','in':'path','required':true,'type':'string'}]}},"
                + "'definitions':{'io.k8s.api.core.v1.ConfigMap':{'type':'object','description':'d',"
                + "'properties':{'data':{'type':'object','additionalProperties':{'type':'string'}},"
                + "'list':{'type':'array','items':{'type':'string'},'x-kubernetes-list-type':'atomic'},"
                + "'closed':{'type':'object','additionalProperties':false}},"
                + "'x-kubernetes-group-version-kind':[{'group':'','kind':'ConfigMap','version':'v1'}]}}}").replace('\'', '"');
        UnknownFieldSet doc = UnknownFieldSet.parseFrom(OpenApiV2Protobuf.encode(MAPPER.readTree(json)));
        assertEquals("2.0", str(doc, 1));
        assertEquals("Kubernetes", str(parse(one(doc, 2)), 1));

        UnknownFieldSet namedPath = parse(one(parse(one(doc, 8)), 2));
        assertEquals("/api/v1/namespaces/{namespace}/configmaps/{name}", str(namedPath, 1));
        UnknownFieldSet pathItem = parse(one(namedPath, 2));
        UnknownFieldSet patch = parse(one(pathItem, 8));
        assertEquals("patchConfigMap", str(patch, 5));
        assertEquals("application/merge-patch+json", str(patch, 7));
        // the operation's GVK extension: NamedAny (13) whose Any carries the value as YAML (field 2)
        List<ByteString> extensions = patch.getField(13).getLengthDelimitedList();
        assertEquals(2, extensions.size());
        UnknownFieldSet gvk = parse(extensions.get(1));
        assertEquals("x-kubernetes-group-version-kind", str(gvk, 1));
        assertEquals("{\"group\":\"\",\"kind\":\"ConfigMap\",\"version\":\"v1\"}\n", str(parse(one(gvk, 2)), 2));
        assertTrue(parse(one(gvk, 2)).getField(1).getLengthDelimitedList().isEmpty(), "Any.value stays unset");
        // ParametersItem.parameter (1) -> Parameter.non_body_parameter (2) -> query (3): name 4, type 6, unique_items 20
        List<ByteString> params = patch.getField(8).getLengthDelimitedList();
        UnknownFieldSet query = parse(one(parse(one(parse(one(parse(params.get(0)), 1)), 2)), 3));
        assertEquals("fieldValidation", str(query, 4));
        assertEquals("query", str(query, 2));
        assertEquals("string", str(query, 6));
        assertEquals(List.of(1L), query.getField(20).getVarintList());
        // body parameter (Parameter 1): name 2, in 3, required 4, schema 5 with its $ref (1)
        UnknownFieldSet body = parse(one(parse(one(parse(params.get(1)), 1)), 1));
        assertEquals("body", str(body, 2));
        assertEquals("#/definitions/io.k8s.api.core.v1.ConfigMap", str(parse(one(body, 5)), 1));
        // a path parameter sits in PathParameterSubSchema (4): type is field 5 there
        UnknownFieldSet pathParam = parse(one(parse(one(parse(one(parse(one(pathItem, 9)), 1)), 2)), 4));
        assertEquals("name", str(pathParam, 4));
        assertEquals("string", str(pathParam, 5));
        // responses: NamedResponseValue (1) -> ResponseValue.response (1) -> Response.schema (2) -> SchemaItem.schema (1)
        UnknownFieldSet ok = parse(one(parse(one(patch, 9)), 1));
        assertEquals("200", str(ok, 1));
        UnknownFieldSet response = parse(one(parse(one(ok, 2)), 1));
        assertEquals("OK", str(response, 1));
        assertEquals("#/definitions/io.k8s.api.core.v1.ConfigMap", str(parse(one(parse(one(response, 2)), 1)), 1));

        UnknownFieldSet def = parse(one(parse(one(doc, 9)), 1));
        assertEquals("io.k8s.api.core.v1.ConfigMap", str(def, 1));
        UnknownFieldSet schema = parse(one(def, 2));
        assertEquals("object", str(parse(one(schema, 22)), 1));
        assertEquals("d", str(schema, 4));
        List<ByteString> props = parse(one(schema, 25)).getField(1).getLengthDelimitedList();
        assertEquals(3, props.size());
        UnknownFieldSet data = parse(one(parse(props.get(0)), 2));
        UnknownFieldSet additional = parse(one(data, 21));
        assertEquals("string", str(parse(one(parse(one(additional, 1)), 22)), 1));
        UnknownFieldSet list = parse(one(parse(props.get(1)), 2));
        // items (23) -> ItemsItem.schema (1) -> Schema.type (22) -> TypeItem.value (1)
        assertEquals("string", str(parse(one(parse(one(parse(one(list, 23)), 1)), 22)), 1));
        UnknownFieldSet closed = parse(one(parse(props.get(2)), 2));
        UnknownFieldSet noMore = parse(one(closed, 21));
        assertEquals(List.of(0L), noMore.getField(2).getVarintList(), "additionalProperties: false is written, not left out");
        assertFalse(schema.getField(31).getLengthDelimitedList().isEmpty(), "the definition's GVK list");
    }

    @Test
    void theBearerTokenSecurityAsGnosticEncodesIt() throws Exception {
        String json = ("{'swagger':'2.0','securityDefinitions':{'BearerToken':{'description':'Bearer Token authentication',"
                + "'type':'apiKey','name':'authorization','in':'header'}},'security':[{'BearerToken':[]}]}").replace('\'', '"');
        UnknownFieldSet doc = UnknownFieldSet.parseFrom(OpenApiV2Protobuf.encode(MAPPER.readTree(json)));
        // Document.security (12): SecurityRequirement -> NamedStringArray (1): name 1, StringArray 2 (empty)
        UnknownFieldSet requirement = parse(one(parse(one(doc, 12)), 1));
        assertEquals("BearerToken", str(requirement, 1));
        assertTrue(parse(one(requirement, 2)).asMap().isEmpty());
        // Document.security_definitions (13): NamedSecurityDefinitionsItem (1): name 1, item 2 -> api_key_security (2)
        UnknownFieldSet named = parse(one(parse(one(doc, 13)), 1));
        assertEquals("BearerToken", str(named, 1));
        UnknownFieldSet apiKey = parse(one(parse(one(named, 2)), 2));
        assertEquals("apiKey", str(apiKey, 1));
        assertEquals("authorization", str(apiKey, 2));
        assertEquals("header", str(apiKey, 3));
        assertEquals("Bearer Token authentication", str(apiKey, 4));
    }
}
