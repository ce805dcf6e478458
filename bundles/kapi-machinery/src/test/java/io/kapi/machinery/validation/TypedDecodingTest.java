package io.kapi.machinery.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values whose JSON type the kind's Go type cannot take, reported as Go's {@code encoding/json} reports its first
 * {@code UnmarshalTypeError} (what kube answers in its 400 {@code cannot be handled as a Deployment: …}), on
 * schemas shaped as kube's published OpenAPI v3 documents (named definitions, {@code format: int32},
 * {@code Quantity} and {@code IntOrString} as a {@code oneOf} of types).
 */
class TypedDecodingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String P = "#/components/schemas/";

    private static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static final Map<String, JsonNode> COMPONENTS = Map.of(
            P + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", json("{'type':'object','properties':{'name':{'type':'string'},"
                    + "'labels':{'type':'object','additionalProperties':{'type':'string','default':''}},"
                    + "'creationTimestamp':{'allOf':[{'$ref':'" + P + "io.k8s.apimachinery.pkg.apis.meta.v1.Time'}]}}}"),
            P + "io.k8s.apimachinery.pkg.apis.meta.v1.Time", json("{'type':'string','format':'date-time'}"),
            P + "io.k8s.apimachinery.pkg.runtime.RawExtension", json("{'type':'object'}"),
            P + "io.k8s.api.apps.v1.DeploymentSpec", json("{'type':'object','properties':{'replicas':{'type':'integer','format':'int32'},"
                    + "'paused':{'type':'boolean'},'template':{'allOf':[{'$ref':'" + P + "io.k8s.api.core.v1.PodSpec'}]}}}"),
            P + "io.k8s.api.core.v1.PodSpec", json("{'type':'object','properties':{'containers':{'type':'array','items':"
                    + "{'allOf':[{'$ref':'" + P + "io.k8s.api.core.v1.Container'}]}}}}"),
            P + "io.k8s.api.core.v1.Container", json("{'type':'object','properties':{'name':{'type':'string'},"
                    + "'ports':{'type':'array','items':{'allOf':[{'$ref':'" + P + "io.k8s.api.core.v1.ContainerPort'}]}},"
                    + "'resources':{'type':'object','properties':{'limits':{'type':'object','additionalProperties':"
                    + "{'$ref':'" + P + "io.k8s.apimachinery.pkg.api.resource.Quantity'}}}}}}"),
            P + "io.k8s.api.core.v1.ContainerPort", json("{'type':'object','properties':{'containerPort':{'type':'integer','format':'int32'},"
                    + "'hostPort':{'type':'integer','format':'int32'},'port':{'$ref':'" + P + "io.k8s.apimachinery.pkg.util.intstr.IntOrString'}}}"),
            P + "io.k8s.apimachinery.pkg.api.resource.Quantity", json("{'oneOf':[{'type':'string'},{'type':'number'}]}"),
            P + "io.k8s.apimachinery.pkg.util.intstr.IntOrString", json("{'format':'int-or-string','oneOf':[{'type':'integer'},{'type':'string'}]}"));

    private static final JsonNode DEPLOYMENT = json("{'type':'object','properties':{'apiVersion':{'type':'string'},'kind':{'type':'string'},"
            + "'metadata':{'allOf':[{'$ref':'" + P + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}]},"
            + "'spec':{'allOf':[{'$ref':'" + P + "io.k8s.api.apps.v1.DeploymentSpec'}]},"
            + "'data':{'type':'object','additionalProperties':{'type':'string'}},"
            + "'weights':{'type':'array','items':{'type':'number','format':'double'}},"
            + "'raw':{'$ref':'" + P + "io.k8s.apimachinery.pkg.runtime.RawExtension'}}}");

    private static String typeError(String body) throws Exception {
        return new StrictDecoding(DEPLOYMENT, COMPONENTS::get).typed("Deployment").decode(MAPPER.createParser(body.replace('\'', '"')))
                .typeError();
    }

    @Test
    void valuesOfTheirTypesDecode() throws Exception {
        assertNull(typeError("{'metadata':{'name':'a','labels':{'x':'y'},'creationTimestamp':null},'spec':{'replicas':3,'paused':true,"
                + "'template':{'containers':[{'name':'c','ports':[{'containerPort':80,'port':'http'},{'port':8080}],"
                + "'resources':{'limits':{'cpu':1,'memory':'1Gi'}}}]}},'data':{'a':'1'},'weights':[1,2.5],'unknown':{'x':1},'raw':'any'}"));
        assertNull(new StrictDecoding(DEPLOYMENT, COMPONENTS::get).decode(MAPPER.createParser("{\"spec\":{\"replicas\":\"3\"}}")).typeError(),
                "not typed: a custom resource's schema is its strategy's to check");
    }

    @Test
    void theFirstValueThatDoesNotFitIsGosError() throws Exception {
        assertEquals("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
                typeError("{'spec':{'replicas':'3','paused':'yes'}}"));
        assertEquals("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool",
                typeError("{'spec':{'replicas':3,'paused':'yes'}}"));
        assertEquals("json: cannot unmarshal string into Go struct field ContainerPort.spec.template.containers.ports.containerPort of type int32",
                typeError("{'spec':{'template':{'containers':[{'name':'c','ports':[{'containerPort':'80'}]}]}}}"));
        assertEquals("json: cannot unmarshal number into Go struct field Deployment.data of type string", typeError("{'data':{'a':3}}"));
        assertEquals("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
                typeError("{'metadata':{'labels':{'a':1}}}"));
        assertEquals("json: cannot unmarshal bool into Go struct field Container.spec.template.containers.resources.limits of type "
                + "resource.Quantity", typeError("{'spec':{'template':{'containers':[{'resources':{'limits':{'cpu':true}}}]}}}"));
        assertEquals("json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec",
                typeError("{'spec':'none'}"));
        assertEquals("json: cannot unmarshal object into Go struct field PodSpec.spec.template.containers of type []v1.Container",
                typeError("{'spec':{'template':{'containers':{'name':'c'}}}}"));
        assertEquals("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string",
                typeError("{'metadata':{'creationTimestamp':5}}"));
        assertEquals("json: cannot unmarshal string into Go struct field Deployment.weights of type float64", typeError("{'weights':['x']}"));
    }

    @Test
    void integersAreParsedFromTheLiteralAsGoDoes() throws Exception {
        assertEquals("json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
                typeError("{'spec':{'replicas':1.5}}"));
        assertEquals("json: cannot unmarshal number 3.0 into Go struct field DeploymentSpec.spec.replicas of type int32",
                typeError("{'spec':{'replicas':3.0}}"));
        assertEquals("json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32",
                typeError("{'spec':{'replicas':2147483648}}"));
        assertNull(typeError("{'spec':{'replicas':2147483647}}"));
        // a patch's result or a YAML body (a tree): kube has been through Go's float64, where 3.0 is 3
        StrictDecoding typed = new StrictDecoding(DEPLOYMENT, COMPONENTS::get).typed("Deployment");
        StrictDecoding.Result whole = typed.decode((com.fasterxml.jackson.databind.node.ObjectNode) json("{'spec':{'replicas':3.0}}"), MAPPER);
        assertNull(whole.typeError());
        assertEquals("{\"spec\":{\"replicas\":3}}", whole.object().toString(), "kept as the integer Go writes back");
        assertEquals("json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
                typed.decode((com.fasterxml.jackson.databind.node.ObjectNode) json("{'spec':{'replicas':1.5}}"), MAPPER).typeError());
        StrictDecoding.Result port = typed.decode((com.fasterxml.jackson.databind.node.ObjectNode)
                json("{'spec':{'template':{'containers':[{'ports':[{'port':80.0}],'resources':{'limits':{'cpu':2.0}}}]}}}"), MAPPER);
        assertNull(port.typeError());
        assertEquals("80", port.object().at("/spec/template/containers/0/ports/0/port").toString(), "an IntOrString too");
        assertEquals("2.0", port.object().at("/spec/template/containers/0/resources/limits/cpu").toString(),
                "a Quantity, which may be any number, as given (its own parse reads it)");
        assertEquals("json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.template.containers.ports.port of type "
                + "intstr.IntOrString", typeError("{'spec':{'template':{'containers':[{'ports':[{'port':1.5}]}]}}}"));
    }
}
