package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kapi.api.rest.StatusException;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authorization;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Request bodies recorded from the real kubectl 1.32 (see the fixtures' README), compared with the
 * JSON kubectl builds for the same command; plus conversions checked against messages built with
 * client-java-proto's generated classes, which stand in for kube's Go marshaller.
 */
class KubeProtobufTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final KubeProtobuf codec = new KubeProtobuf();

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = KubeProtobufTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) M.readTree(text.replace('\'', '"'));
    }

    /**
     * kubectl's {@code --dry-run=client -o json} output for the same command: the object it
     * marshals. Go writes the zero creationTimestamp as null; the natural JSON leaves it out.
     */
    private static ObjectNode kubectlJson(String name) throws Exception {
        ObjectNode o = (ObjectNode) M.readTree(fixture(name));
        ((ObjectNode) o.get("metadata")).remove("creationTimestamp");
        return o;
    }

    /** Wraps a message built by the generated classes as kube's Go marshaller would send it. */
    private static byte[] wire(String apiVersion, String kind, Message m) {
        return wire(apiVersion, kind, m.toByteString());
    }

    private static byte[] wire(String apiVersion, String kind, ByteString raw) {
        byte[] unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(raw).setContentEncoding("").setContentType("").build().toByteArray();
        byte[] out = new byte[4 + unknown.length];
        System.arraycopy(new byte[] {'k', '8', 's', 0}, 0, out, 0, 4);
        System.arraycopy(unknown, 0, out, 4, unknown.length);
        return out;
    }

    private static Runtime.Unknown envelope(byte[] body) throws Exception {
        assertArrayEquals(new byte[] {'k', '8', 's', 0}, Arrays.copyOf(body, 4));
        return Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, 4, body.length));
    }

    // ------------------------------------------------------------ kubectl bodies

    @Test
    void kubectlCreateConfigMap() throws Exception {
        assertEquals(kubectlJson("kubectl-1.32-create-configmap.json"), codec.decode(fixture("kubectl-1.32-create-configmap.pb")));
    }

    @Test
    void kubectlCreateNamespace() throws Exception {
        assertEquals(kubectlJson("kubectl-1.32-create-namespace.json"), codec.decode(fixture("kubectl-1.32-create-namespace.pb")));
    }

    @Test
    void kubectlCreateSecret() throws Exception {
        ObjectNode secret = codec.decode(fixture("kubectl-1.32-create-secret.pb"));
        assertEquals(kubectlJson("kubectl-1.32-create-secret.json"), secret);
        assertEquals("dg==", secret.at("/data/k").asText(), "bytes are base64 as in JSON");
    }

    @Test
    void kubectlAuthCanI() throws Exception {
        // What Go's encoding/json writes for the SelfSubjectAccessReview kubectl builds: status.allowed
        // has no omitempty, denied has; the zero creationTimestamp (null in Go) is left out.
        ObjectNode expected = json("{'kind':'SelfSubjectAccessReview','apiVersion':'authorization.k8s.io/v1','metadata':{},"
                + "'spec':{'resourceAttributes':{'namespace':'default','verb':'list','resource':'configmaps'}},"
                + "'status':{'allowed':false}}");
        assertEquals(expected, codec.decode(fixture("kubectl-1.32-auth-can-i.pb")));
    }

    @Test
    void kubectlBodiesRoundTrip() throws Exception {
        for (String name : new String[] {"create-configmap", "create-namespace", "create-secret", "auth-can-i"}) {
            byte[] recorded = fixture("kubectl-1.32-" + name + ".pb");
            ObjectNode decoded = codec.decode(recorded);
            byte[] encoded = codec.encode(decoded);
            assertEquals(decoded, codec.decode(encoded), name);
            Runtime.Unknown ours = envelope(encoded);
            Runtime.Unknown theirs = envelope(recorded);
            assertEquals(theirs.getTypeMeta(), ours.getTypeMeta(), name);
            // the envelope's own fields are written as Go writes them (empty contentEncoding/contentType)
            assertEquals(theirs.toBuilder().clearRaw().build(), ours.toBuilder().clearRaw().build(), name);
        }
    }

    @Test
    void encodedConfigMapParsesWithTheGeneratedClass() throws Exception {
        ObjectNode cm = codec.decode(fixture("kubectl-1.32-create-configmap.pb"));
        V1.ConfigMap parsed = V1.ConfigMap.parseFrom(envelope(codec.encode(cm)).getRaw());
        assertEquals("cm1", parsed.getMetadata().getName());
        assertEquals("default", parsed.getMetadata().getNamespace());
        assertEquals("1", parsed.getDataMap().get("a"));
        assertFalse(parsed.getMetadata().hasCreationTimestamp(), "an absent time stays absent");
    }

    // ------------------------------------------------------------ conversions

    @Test
    void timeIsRfc3339InSecondsAndZeroTimeIsOmitted() throws Exception {
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("x")
                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1764152096L).setNanos(0))
                // Go marshals the zero time as an empty message
                .setDeletionTimestamp(Meta.Time.getDefaultInstance())).build();
        ObjectNode o = codec.decode(wire("v1", "ConfigMap", cm));
        assertEquals("2025-11-26T10:14:56Z", o.at("/metadata/creationTimestamp").asText());
        assertFalse(o.get("metadata").has("deletionTimestamp"));

        V1.ConfigMap back = V1.ConfigMap.parseFrom(envelope(codec.encode(o)).getRaw());
        assertEquals(1764152096L, back.getMetadata().getCreationTimestamp().getSeconds());
        assertFalse(back.getMetadata().hasDeletionTimestamp());

        ObjectNode epoch = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'creationTimestamp':'1970-01-01T00:00:00Z'}}");
        assertEquals(epoch, codec.decode(codec.encode(epoch)), "the Unix epoch is a time, not the zero time");
        ObjectNode offset = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'creationTimestamp':'2025-11-26T11:14:56+01:00'}}");
        assertEquals("2025-11-26T10:14:56Z", codec.decode(codec.encode(offset)).at("/metadata/creationTimestamp").asText());
    }

    @Test
    void microTimeHasSixFractionalDigits() throws Exception {
        V1.Event ev = V1.Event.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("e"))
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1764152096L).setNanos(120_000)).build();
        ObjectNode o = codec.decode(wire("v1", "Event", ev));
        assertEquals("2025-11-26T10:14:56.000120Z", o.get("eventTime").asText());
        ObjectNode whole = json("{'apiVersion':'v1','kind':'Event','eventTime':'2025-11-26T10:14:56Z'}");
        assertEquals("2025-11-26T10:14:56.000000Z", codec.decode(codec.encode(whole)).get("eventTime").asText());
        V1.Event back = V1.Event.parseFrom(envelope(codec.encode(o)).getRaw());
        assertEquals(120_000, back.getEventTime().getNanos());
    }

    @Test
    void intOrStringIsIntOrString() throws Exception {
        V1Apps.Deployment d = V1Apps.Deployment.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("d"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setStrategy(V1Apps.DeploymentStrategy.newBuilder()
                        .setType("RollingUpdate").setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal("25%"))
                                .setMaxUnavailable(IntStr.IntOrString.newBuilder().setType(0).setIntVal(1).setStrVal("")))))
                .build();
        ObjectNode o = codec.decode(wire("apps/v1", "Deployment", d));
        assertEquals(json("{'maxSurge':'25%','maxUnavailable':1}"), o.at("/spec/strategy/rollingUpdate"));
        assertEquals(0, o.at("/spec/replicas").intValue(), "a pointer field set to zero is kept");
        V1Apps.Deployment back = V1Apps.Deployment.parseFrom(envelope(codec.encode(o)).getRaw());
        assertEquals(d, back, "the generated message round-trips exactly");
    }

    @Test
    void quantitiesAreTheirStrings() throws Exception {
        V1.ResourceQuota q = V1.ResourceQuota.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("q"))
                .setSpec(V1.ResourceQuotaSpec.newBuilder()
                        .putHard("requests.memory", Resource.Quantity.newBuilder().setString("10Gi").build())
                        .putHard("pods", Resource.Quantity.newBuilder().setString("5").build()))
                .build();
        ObjectNode o = codec.decode(wire("v1", "ResourceQuota", q));
        assertEquals(json("{'requests.memory':'10Gi','pods':'5'}"), o.at("/spec/hard"));
        assertEquals(q, V1.ResourceQuota.parseFrom(envelope(codec.encode(o)).getRaw()));
    }

    @Test
    void bytesAreStandardBase64() throws Exception {
        V1.Secret s = V1.Secret.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("s"))
                .putData("bin", ByteString.copyFrom(new byte[] {0, (byte) 0xff, (byte) 0xfe, 10}))
                .putStringData("plain", "text").setType("Opaque").setImmutable(false).build();
        ObjectNode o = codec.decode(wire("v1", "Secret", s));
        assertEquals("AP/+Cg==", o.at("/data/bin").asText());
        assertEquals("text", o.at("/stringData/plain").asText());
        assertFalse(o.get("immutable").booleanValue());
        assertEquals(s, V1.Secret.parseFrom(envelope(codec.encode(o)).getRaw()));
    }

    @Test
    void emptyStringsInMapsAndListsAreKept() throws Exception {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'e','finalizers':['']},"
                + "'data':{'empty':'','k':'v'}}");
        assertEquals(cm, codec.decode(codec.encode(cm)));
    }

    @Test
    void emptyRepeatedAndUnsetFieldsAreOmitted() throws Exception {
        V1.ConfigMapList list = V1.ConfigMapList.newBuilder().setMetadata(Meta.ListMeta.newBuilder()
                .setResourceVersion("12")).build();
        assertEquals(json("{'apiVersion':'v1','kind':'ConfigMapList','metadata':{'resourceVersion':'12'}}"),
                codec.decode(wire("v1", "ConfigMapList", list)));
    }

    @Test
    void listsEncodeTheirItems() throws Exception {
        ObjectNode list = json("{'apiVersion':'v1','kind':'ConfigMapList','metadata':{'resourceVersion':'9','continue':'abc'},"
                + "'items':[{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a','namespace':'n'},'data':{'k':'v'}},"
                + "{'metadata':{'name':'b','namespace':'n','labels':{'x':'y'}}}]}");
        V1.ConfigMapList parsed = V1.ConfigMapList.parseFrom(envelope(codec.encode(list)).getRaw());
        assertEquals(2, parsed.getItemsCount());
        assertEquals("abc", parsed.getMetadata().getContinue());
        assertEquals("y", parsed.getItems(1).getMetadata().getLabelsMap().get("x"));
        // items of a typed list carry no apiVersion/kind in kube, in JSON as in protobuf
        ObjectNode back = codec.decode(codec.encode(list));
        ((ObjectNode) list.get("items").get(0)).remove("apiVersion");
        ((ObjectNode) list.get("items").get(0)).remove("kind");
        assertEquals(list, back);
    }

    @Test
    void statusEncodesAsMetaStatus() throws Exception {
        ObjectNode status = json("{'kind':'Status','apiVersion':'v1','metadata':{},'status':'Failure',"
                + "'message':'ConfigMap \\'x\\' is invalid: data: Invalid value','reason':'Invalid',"
                + "'details':{'name':'x','kind':'ConfigMap','causes':[{'reason':'FieldValueInvalid','message':'Invalid value',"
                + "'field':'data'}]},'code':422}");
        assertTrue(codec.canEncode("v1", "Status"));
        byte[] wire = codec.encode(status);
        Runtime.Unknown env = envelope(wire);
        assertEquals("v1", env.getTypeMeta().getApiVersion());
        assertEquals("Status", env.getTypeMeta().getKind());
        Meta.Status parsed = Meta.Status.parseFrom(env.getRaw());
        assertEquals(422, parsed.getCode());
        assertEquals("Invalid", parsed.getReason());
        assertEquals("Failure", parsed.getStatus());
        assertEquals("data", parsed.getDetails().getCauses(0).getField());
        assertEquals(status, codec.decode(wire));
    }

    @Test
    void selfSubjectAccessReviewAnswer() throws Exception {
        ObjectNode answer = codec.decode(fixture("kubectl-1.32-auth-can-i.pb"));
        answer.set("status", json("{'allowed':true,'reason':'RBAC: allowed by ClusterRoleBinding \\'admin\\''}"));
        V1Authorization.SelfSubjectAccessReview parsed =
                V1Authorization.SelfSubjectAccessReview.parseFrom(envelope(codec.encode(answer)).getRaw());
        assertTrue(parsed.getStatus().getAllowed());
        assertEquals("list", parsed.getSpec().getResourceAttributes().getVerb());
    }

    @Test
    void deleteOptionsAreKnownInEveryGroupVersion() throws Exception {
        Meta.DeleteOptions opts = Meta.DeleteOptions.newBuilder().setGracePeriodSeconds(0).setPropagationPolicy("Foreground").build();
        ObjectNode o = codec.decode(wire("apps/v1", "DeleteOptions", opts));
        assertEquals(json("{'apiVersion':'apps/v1','kind':'DeleteOptions','gracePeriodSeconds':0,'propagationPolicy':'Foreground'}"), o);
        assertEquals("meta.k8s.io/v1", codec.decode(wire("meta.k8s.io/v1", "DeleteOptions", opts)).get("apiVersion").asText());
    }

    @Test
    void customResourceDefinitionSchemasKeepTheirJsonNames() throws Exception {
        ObjectNode crd = json("{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition','metadata':{'name':'ws.x.io'},"
                + "'spec':{'group':'x.io','scope':'Namespaced','names':{'plural':'ws','kind':'W'},'versions':[{'name':'v1',"
                + "'served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object',"
                + "'properties':{'spec':{'type':'object','x-kubernetes-preserve-unknown-fields':true,"
                + "'additionalProperties':false,'default':{'a':[1,2]},'maximum':10},"
                + "'tags':{'type':'array','items':{'type':'string','enum':['a','b']}},"
                + "'alt':{'x-kubernetes-int-or-string':true,'anyOf':[{'type':'integer'},{'type':'string'}],"
                + "'additionalProperties':{'type':'string'}}}}}}]}}");
        assertTrue(codec.canEncode("apiextensions.k8s.io/v1", "CustomResourceDefinition"));
        assertEquals(crd, codec.decode(codec.encode(crd)));
    }

    @Test
    void watchEventsAreLengthDelimitedWithTheObjectNested() throws Exception {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a','resourceVersion':'5'}}");
        byte[] frame = codec.encodeWatchEvent("ADDED", cm);
        int length = ByteBuffer.wrap(frame).getInt();
        assertEquals(frame.length - 4, length);
        Meta.WatchEvent event = Meta.WatchEvent.parseFrom(Arrays.copyOfRange(frame, 4, frame.length));
        assertEquals("ADDED", event.getType());
        assertEquals(cm, codec.decode(event.getObject().getRaw().toByteArray()));
        // and a WatchEvent body, as kube nests it, decodes to the embedded object
        ObjectNode decoded = codec.decode(wire("v1", "WatchEvent", event));
        assertEquals(cm, decoded.get("object"));
    }

    // ------------------------------------------------------------ registry and errors

    @Test
    void registryCoversTheGroupsInClientJavaProto() {
        assertTrue(codec.canEncode("v1", "ConfigMap"));
        assertTrue(codec.canEncode("v1", "Namespace"));
        assertTrue(codec.canEncode("v1", "ServiceAccount"));
        assertTrue(codec.canEncode("v1", "Event"));
        assertTrue(codec.canEncode("v1", "NamespaceList"));
        assertTrue(codec.canEncode("v1", "List"));
        assertTrue(codec.canEncode("v1", "APIGroupList"));
        assertTrue(codec.canEncode("v1", "APIResourceList"));
        assertTrue(codec.canEncode("authorization.k8s.io/v1", "SelfSubjectAccessReview"));
        assertTrue(codec.canEncode("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"));
        assertTrue(codec.canEncode("apps/v1", "Deployment"));
        assertTrue(codec.canEncode("autoscaling/v2", "HorizontalPodAutoscaler"));
        assertTrue(codec.canEncode("meta.k8s.io/v1", "PartialObjectMetadataList"));
        assertEquals("rbac.authorization.k8s.io/v1", KubeKinds.apiVersionOf("k8s.io.api.rbac.v1"));
        assertEquals("apiextensions.k8s.io/v1beta1",
                KubeKinds.apiVersionOf("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1"));
        // kube has no protobuf for Table nor for custom resources
        assertFalse(codec.canEncode("meta.k8s.io/v1", "Table"));
        assertFalse(codec.canEncode("x.io/v1", "Widget"));
        assertFalse(codec.canEncode("v1", "PartialObjectMetadata"));
        assertFalse(codec.canEncode("meta.k8s.io/v1", "ObjectMeta"));
    }

    @Test
    void registryCoversTheGroupsClientJavaProtoLacks() {
        // built from kube's own .proto files (KubeGroupFiles), with their lists and metav1's options
        for (String[] kind : new String[][] {{"coordination.k8s.io/v1", "Lease"},
                {"discovery.k8s.io/v1", "EndpointSlice"}, {"events.k8s.io/v1", "Event"},
                {"node.k8s.io/v1", "RuntimeClass"}}) {
            assertTrue(codec.canEncode(kind[0], kind[1]), kind[0] + " " + kind[1]);
            assertTrue(codec.canEncode(kind[0], kind[1] + "List"), kind[0] + " " + kind[1] + "List");
            assertTrue(codec.canEncode(kind[0], "DeleteOptions"), kind[0] + " DeleteOptions");
        }
        // older versions (removed from kube before 1.32): no descriptor
        assertFalse(codec.canEncode("coordination.k8s.io/v1beta1", "Lease"));
        assertFalse(codec.canEncode("events.k8s.io/v1beta1", "Event"));
    }

    @Test
    void badBodiesAreBadRequestsWithKubesMessages() {
        StatusException noMagic = assertThrows(StatusException.class, () -> codec.decode("{}".getBytes()));
        assertEquals(400, noMagic.code());
        assertEquals("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]", noMagic.getMessage());
        assertEquals("empty data", assertThrows(StatusException.class, () -> codec.decode(new byte[0])).getMessage());
        assertEquals("empty body", assertThrows(StatusException.class, () -> codec.decode(new byte[] {'k', '8', 's', 0})).getMessage());
        StatusException garbage = assertThrows(StatusException.class,
                () -> codec.decode(new byte[] {'k', '8', 's', 0, 0x0a, 0x7f, 0x01}));
        assertEquals(400, garbage.code());
        StatusException unknownKind = assertThrows(StatusException.class,
                () -> codec.decode(wire("v1", "Widget", Meta.Status.getDefaultInstance())));
        assertEquals(400, unknownKind.code());
        assertEquals("no kind \"Widget\" is registered for version \"v1\"", unknownKind.getMessage());
        StatusException noKind = assertThrows(StatusException.class,
                () -> codec.decode(wire("v1", "", Meta.Status.getDefaultInstance())));
        assertTrue(noKind.getMessage().startsWith("Object 'Kind' is missing"), noKind.getMessage());
        // metadata says 5 bytes follow, 1 does
        StatusException truncated = assertThrows(StatusException.class, () -> codec.decode(wire("v1", "ConfigMap",
                Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(new byte[] {0x0a, 0x05, 0x01})).build()
                        .getRaw())));
        assertEquals(400, truncated.code());
        assertTrue(truncated.getMessage().startsWith("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: "),
                truncated.getMessage());
    }

    @Test
    void deeplyNestedEmbeddedObjectsAreRefused() {
        byte[] body = wire("v1", "ConfigMap", V1.ConfigMap.getDefaultInstance());
        for (int i = 0; i < 40; i++) {
            body = wire("v1", "WatchEvent", Meta.WatchEvent.newBuilder().setType("ADDED")
                    .setObject(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(body))).build());
        }
        byte[] deep = body;
        assertEquals(400, assertThrows(StatusException.class, () -> codec.decode(deep)).code());
    }

    @Test
    void kindsWithoutAMessageAreNotAcceptable() throws Exception {
        StatusException e = assertThrows(StatusException.class,
                () -> codec.encode(json("{'apiVersion':'meta.k8s.io/v1','kind':'Table','rows':[]}")));
        assertEquals(406, e.code());
    }

    @Test
    void recognizesTheMagic() throws Exception {
        assertTrue(KubeProtobuf.isProtobuf(fixture("kubectl-1.32-create-namespace.pb")));
        assertFalse(KubeProtobuf.isProtobuf("{\"kind\":\"Namespace\"}".getBytes()));
        JsonNode n = codec.decode(fixture("kubectl-1.32-create-namespace.pb"));
        assertEquals("ns1", n.at("/metadata/name").asText());
    }

    // ------------------------------------------------------------ apps/v1

    /** Each apps/v1 kind as Kapi stores it (defaulted) goes through protobuf and back unchanged. */
    @Test
    void appsKindsRoundTrip() throws Exception {
        String template = "'template':{'metadata':{'labels':{'app':'a'}},'spec':{'containers':[{'name':'a','image':'nginx',"
                + "'imagePullPolicy':'Always','ports':[{'containerPort':80,'protocol':'TCP'}],'resources':{},"
                + "'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],'dnsPolicy':'ClusterFirst',"
                + "'restartPolicy':'Always','schedulerName':'default-scheduler','securityContext':{},'terminationGracePeriodSeconds':30}}";
        String meta = "'metadata':{'name':'a','namespace':'default','uid':'u-1','resourceVersion':'7','generation':2,"
                + "'creationTimestamp':'2026-12-05T10:00:00Z','labels':{'app':'a'}}";
        for (String obj : java.util.List.of(
                "{'kind':'Deployment','apiVersion':'apps/v1'," + meta + ",'spec':{'replicas':0,'selector':{'matchLabels':{'app':'a'}},"
                        + template + ",'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':'25%','maxSurge':1}},"
                        + "'revisionHistoryLimit':10,'progressDeadlineSeconds':600},'status':{'observedGeneration':2,'replicas':1,"
                        + "'conditions':[{'type':'Available','status':'True','lastUpdateTime':'2026-12-05T10:00:00Z',"
                        + "'lastTransitionTime':'2026-12-05T10:00:00Z','reason':'MinimumReplicasAvailable','message':'ok'}]}}",
                "{'kind':'StatefulSet','apiVersion':'apps/v1'," + meta + ",'spec':{'replicas':1,'selector':{'matchLabels':{'app':'a'}},"
                        + template + ",'serviceName':'a','podManagementPolicy':'OrderedReady','updateStrategy':{'type':'RollingUpdate',"
                        + "'rollingUpdate':{'partition':0}},'revisionHistoryLimit':10,'persistentVolumeClaimRetentionPolicy':"
                        + "{'whenDeleted':'Retain','whenScaled':'Retain'}},'status':{'replicas':0,'availableReplicas':0}}",
                "{'kind':'DaemonSet','apiVersion':'apps/v1'," + meta + ",'spec':{'selector':{'matchLabels':{'app':'a'}}," + template
                        + ",'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1,'maxSurge':0}},"
                        + "'revisionHistoryLimit':10},'status':{'currentNumberScheduled':0,'numberMisscheduled':0,"
                        + "'desiredNumberScheduled':0,'numberReady':0}}",
                "{'kind':'ReplicaSet','apiVersion':'apps/v1'," + meta + ",'spec':{'replicas':2,'selector':{'matchLabels':{'app':'a'}},"
                        + template + "},'status':{'replicas':0}}",
                "{'kind':'ControllerRevision','apiVersion':'apps/v1'," + meta + ",'data':{'spec':{'template':{'x':1}}},'revision':3}")) {
            ObjectNode object = json(obj);
            assertEquals(object, codec.decode(codec.encode(object)), object.path("kind").asText());
        }
    }

    /**
     * Go writes a non-pointer omitempty zero (paused, minReadySeconds, a container's stdin) to the
     * wire although its JSON leaves it out; a pointer zero (replicas) is kept.
     */
    @Test
    void goZerosThatJsonOmitsAreDropped() throws Exception {
        io.kubernetes.client.proto.V1Apps.Deployment d = io.kubernetes.client.proto.V1Apps.Deployment.newBuilder()
                .setMetadata(io.kubernetes.client.proto.Meta.ObjectMeta.newBuilder().setName("a").setGeneration(0))
                .setSpec(io.kubernetes.client.proto.V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setPaused(false)
                        .setMinReadySeconds(0).setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                                .setHostNetwork(false).addContainers(V1.Container.newBuilder().setName("c").setImage("i")
                                        .setStdin(false).setTty(false)))))
                .build();
        ObjectNode decoded = codec.decode(wire("apps/v1", "Deployment", d));
        // (the messages the builder left unset stay absent; Go would write them as empty objects)
        assertEquals(json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a'},'spec':{'replicas':0,"
                + "'template':{'spec':{'containers':[{'name':'c','image':'i'}]}}}}"), decoded);
    }
}
