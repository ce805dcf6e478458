package io.kapi.group.events;

import static io.kapi.group.events.EventConverterTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube 1.32's validation of events.k8s.io/v1 writes, on the cases of kube's
 * {@code pkg/apis/core/validation/events_test.go} (TestValidateEventCreateForNewV1Events,
 * TestValidateEventUpdateForNewV1Events, and the namespace cases of the others), with kube's messages.
 * {@code someTime} there is {@code time.Unix(1505828956, 0)}.
 */
class EventValidationTest {
    static final String SOME_TIME = "2017-09-19T13:49:16.000000Z";
    private static final String TYPE_MISSING = "type: Invalid value: \"\": has invalid value: ";
    private static final String SUBDOMAIN_EMPTY = "namespace: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of "
            + "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    /** kube's "valid new event": about a Node, in kube-system. */
    static ObjectNode valid() throws Exception {
        return obj("{'metadata':{'name':'test','namespace':'kube-system'},'regarding':{'apiVersion':'v1','kind':'Node'},"
                + "'eventTime':'" + SOME_TIME + "','reportingController':'k8s.io/my-controller','reportingInstance':'node-xyz',"
                + "'action':'Do','reason':'Because','type':'Normal'}");
    }

    private static List<String> create(ObjectNode event) {
        return EventValidation.validateCreate(event).stream().map(FieldCause::describe).toList();
    }

    private static List<String> update(ObjectNode event, ObjectNode old) {
        return EventValidation.validateUpdate(event, old).stream().map(FieldCause::describe).toList();
    }

    @Test
    void kubesCreateCases() throws Exception {
        assertEquals(List.of(), create(valid()), "valid new event");
        assertEquals(List.of("action: Required value", TYPE_MISSING), create(without(valid(), "action", "type")), "missing action");
        assertEquals(List.of("reason: Required value", TYPE_MISSING), create(without(valid(), "reason", "type")), "missing reason");
        // "missing namespace in objectMeta": namespaces come from the URL here; kube's rules still refuse ""
        ObjectNode noNamespace = without(valid(), "action", "type");
        noNamespace.with("metadata").remove("namespace");
        assertEquals(List.of("involvedObject.namespace: Invalid value: \"\": does not match event.namespace",
                "action: Required value", SUBDOMAIN_EMPTY, TYPE_MISSING), create(noNamespace));
        ObjectNode noTime = obj("{'metadata':{'name':'test','namespace':'default'},'regarding':{'apiVersion':'v1','kind':'Node'}}");
        assertEquals(List.of("eventTime: Required value", TYPE_MISSING), create(noTime), "missing EventTime");
        assertEquals(List.of("reportingController: Invalid value: \"my-contr@ller\": name part must consist of alphanumeric "
                + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                + "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
                create(valid().put("reportingController", "my-contr@ller")), "not qualified reportingController");
        assertEquals(List.of("reportingInstance: Invalid value: \"\": can have at most 128 characters"),
                create(valid().put("reportingInstance", "node-" + "z".repeat(124))), "too long reporting instance");
        assertEquals(List.of(), create(valid().put("reportingInstance", "node-" + "z".repeat(123))), "128 bytes are fine");
        assertEquals(List.of("message: Invalid value: \"\": can have at most 1024 characters"),
                create(valid().put("note", "z".repeat(1025))), "too long message");
        assertEquals(List.of(), create(valid().put("note", "z".repeat(1024))));
        assertEquals(List.of("message: Invalid value: \"\": can have at most 1024 characters"),
                create(valid().put("note", "é".repeat(513))), "Go's len counts bytes");
        assertEquals(List.of("type: Invalid value: \"\": has invalid value: invalid-type"),
                create(valid().put("type", "invalid-type")), "invalid type");
        assertEquals(List.of(), create(valid().put("type", "Warning")));
        assertEquals(List.of("firstTimestamp: Invalid value: \"\": needs to be unset"),
                create(valid().put("deprecatedFirstTimestamp", "2017-09-19T13:49:16Z")), "non-empty firstTimestamp");
        assertEquals(List.of("lastTimestamp: Invalid value: \"\": needs to be unset"),
                create(valid().put("deprecatedLastTimestamp", "2017-09-19T13:49:16Z")), "non-empty lastTimestamp");
        assertEquals(List.of("count: Invalid value: \"\": needs to be unset"),
                create(valid().put("deprecatedCount", 123)), "non-empty count");
        ObjectNode host = valid();
        host.putObject("deprecatedSource").put("host", "host");
        assertEquals(List.of("source: Invalid value: \"\": needs to be unset"), create(host), "non-empty source");
        ObjectNode series = valid();
        series.putObject("series").put("count", 0).put("lastObservedTime", SOME_TIME);
        assertEquals(List.of("series.count: Invalid value: \"\": should be at least 2"), create(series), "series with count < 2");
        series.putObject("series").put("count", 2);
        assertEquals(List.of("series.lastObservedTime: Required value"), create(series), "series with empty lastObservedTime");
        series.putObject("series").put("count", 2).put("lastObservedTime", SOME_TIME);
        assertEquals(List.of(), create(series));
        // null and empty values are Go's zero values
        assertEquals(List.of(), create(valid().putNull("deprecatedFirstTimestamp").put("deprecatedCount", 0).putNull("series")));
    }

    @Test
    void aControllerNameWithSeveralSlashesIsKubesQualifiedNameError() throws Exception {
        assertEquals(List.of("reportingController: Invalid value: \"k8s.io/my-controller/new\": a qualified name must consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
                + "or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an "
                + "optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
                create(valid().put("reportingController", "k8s.io/my-controller/new")));
        assertEquals(List.of("reportingController: Required value",
                "reportingController: Invalid value: \"\": name part must be non-empty",
                "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and "
                + "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
                create(without(valid(), "reportingController")), "named reportingController for events.k8s.io requests");
    }

    @Test
    void kubesNamespaceRules() throws Exception {
        // with an eventTime: an event about a cluster-scoped object lives in default or kube-system
        ObjectNode inFoo = valid();
        inFoo.with("metadata").put("namespace", "foo");
        assertEquals(List.of("involvedObject.namespace: Invalid value: \"\": does not match event.namespace"), create(inFoo));
        ObjectNode inDefault = valid();
        inDefault.with("metadata").put("namespace", "default");
        assertEquals(List.of(), create(inDefault));
        // with an eventTime, a namespaced object's namespace need not be the event's (kube checks that only without one)
        ObjectNode elsewhere = inFoo.deepCopy();
        elsewhere.with("regarding").put("namespace", "bar");
        assertEquals(List.of(), create(elsewhere));
        // without an eventTime (kube's TestValidateEventForCoreV1Events): the two namespaces agree, or the object has none
        // and the event is in "" or default
        assertEquals(List.of("involvedObject.namespace: Invalid value: \"bar\": does not match event.namespace"),
                legacy("foo", "{'namespace':'bar','kind':'Pod'}"), "test1");
        assertEquals(List.of("namespace: Invalid value: \"aoeu-_-aoeu\": a lowercase RFC 1123 subdomain must consist of lower case "
                + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                legacy("aoeu-_-aoeu", "{'namespace':'aoeu-_-aoeu','kind':'Pod'}"), "test2");
        assertEquals(List.of(), legacy("default", "{'apiVersion':'v1','kind':'Node'}"), "test3");
        assertEquals(List.of(), legacy("default", "{'apiVersion':'apps/v1','kind':'NoKind','namespace':'default'}"), "test5");
        assertEquals(List.of("involvedObject.namespace: Invalid value: \"foo\": does not match event.namespace"),
                legacy("default", "{'apiVersion':'batch/v1','kind':'Job','namespace':'foo'}"), "test6");
        assertEquals(List.of(), legacy("foo", "{'apiVersion':'other/v1beta1','kind':'Job','namespace':'foo'}"), "test9");
        assertEquals(2, legacy("", "{'apiVersion':'other/v1beta1','kind':'FooBar','namespace':'bar'}").size(), "test13");
        assertEquals(List.of("involvedObject.namespace: Invalid value: \"\": does not match event.namespace"),
                legacy("foo", "{'apiVersion':'other/v1beta1','kind':'FooBar'}"), "test14");
    }

    private static List<String> legacy(String namespace, String regarding) throws Exception {
        ObjectNode e = obj("{'metadata':{'name':'t','namespace':'" + namespace + "'},'regarding':" + regarding + "}");
        return EventValidation.legacy(e).stream().map(FieldCause::describe).toList();
    }

    /** kube's update cases: old and new alike but for the field named. */
    private static ObjectNode old() throws Exception {
        return valid().put("reason", "Yeees");
    }

    @Test
    void kubesUpdateCases() throws Exception {
        ObjectNode old = old();
        old.putObject("series").put("count", 1).put("lastObservedTime", SOME_TIME);
        ObjectNode changedSeries = old.deepCopy();
        changedSeries.with("series").put("count", 2);
        assertEquals(List.of(), update(changedSeries, old), "valid new updated event (only a changed series is validated)");
        assertEquals(List.of(), update(old.deepCopy(), old), "an unchanged series is not validated again");
        assertEquals(List.of("series.count: Invalid value: \"\": should be at least 2"),
                update(changedSeries.deepCopy().set("series", obj("{'count':0,'lastObservedTime':'" + SOME_TIME + "'}")), old));

        ObjectNode base = old();
        ObjectNode v2 = base.deepCopy();
        v2.with("regarding").put("apiVersion", "v2");
        assertEquals(List.of("involvedObject: Invalid value: core.ObjectReference{Kind:\"Node\", Namespace:\"\", Name:\"\", UID:\"\", "
                + "APIVersion:\"v2\", ResourceVersion:\"\", FieldPath:\"\"}: field is immutable"), update(v2, base));
        // kube checks reason twice
        assertEquals(List.of("reason: Invalid value: \"Yeees-new\": field is immutable",
                "reason: Invalid value: \"Yeees-new\": field is immutable"), update(base.deepCopy().put("reason", "Yeees-new"), base));
        assertEquals(List.of("message: Invalid value: \"new-message\": field is immutable"),
                update(base.deepCopy().put("note", "new-message"), base.deepCopy().put("note", "message")));
        ObjectNode withHost = base.deepCopy();
        withHost.putObject("deprecatedSource").put("host", "host");
        assertEquals(List.of("source: Invalid value: core.EventSource{Component:\"\", Host:\"\"}: field is immutable"),
                update(base, withHost));
        assertEquals(List.of("firstTimestamp: Invalid value: 0001-01-01 00:00:00 +0000 UTC: field is immutable"),
                update(base, base.deepCopy().put("deprecatedFirstTimestamp", "2017-09-19T13:49:16Z")));
        assertEquals(List.of("lastTimestamp: Invalid value: 2017-09-19 13:49:16 +0000 UTC: field is immutable"),
                update(base.deepCopy().put("deprecatedLastTimestamp", "2017-09-19T13:49:16Z"), base));
        assertEquals(List.of("count: Invalid value: 0: field is immutable"),
                update(base, base.deepCopy().put("deprecatedCount", 2)));
        assertEquals(List.of("type: Invalid value: \"Warning\": field is immutable"), update(base.deepCopy().put("type", "Warning"), base));
        assertEquals(List.of("eventTime: Invalid value: 2017-09-19 13:49:59 +0000 UTC: field is immutable"),
                update(base.deepCopy().put("eventTime", "2017-09-19T13:49:59.000000Z"), base));
        assertEquals(List.of(), update(base.deepCopy().put("eventTime", "2017-09-19T13:49:16.0000009Z"), base),
                "changes below the microsecond are tolerated");
        assertEquals(List.of("eventTime: Invalid value: 2017-09-19 13:49:16.000001 +0000 UTC: field is immutable"),
                update(base.deepCopy().put("eventTime", "2017-09-19T13:49:16.000001Z"), base));
        assertEquals(List.of("action: Invalid value: \"Undo\": field is immutable"), update(base.deepCopy().put("action", "Undo"), base));
        ObjectNode related = base.deepCopy();
        related.putObject("related").put("apiVersion", "v1");
        assertEquals(List.of("related: Invalid value: core.ObjectReference{Kind:\"\", Namespace:\"\", Name:\"\", UID:\"\", "
                + "APIVersion:\"v1\", ResourceVersion:\"\", FieldPath:\"\"}: field is immutable"), update(related, base));
        assertEquals(List.of("related: Invalid value: \"null\": field is immutable"), update(base, related), "a nil pointer");
        assertEquals(List.of("reportingInstance: Invalid value: \"node-xyz-new\": field is immutable"),
                update(base.deepCopy().put("reportingInstance", "node-xyz-new"), base));
        List<String> controller = update(base.deepCopy().put("reportingController", "k8s.io/my-controller/new"), base);
        assertEquals(2, controller.size(), controller.toString());
        assertEquals("reportingController: Invalid value: \"k8s.io/my-controller/new\": field is immutable", controller.get(1));
    }

    @Test
    void anUpdateIsHeldToTheLegacyRulesToo() throws Exception {
        ObjectNode base = old();
        assertEquals(List.of("action: Required value", "action: Invalid value: \"\": field is immutable"),
                update(without(base, "action"), base));
    }

    private static ObjectNode without(ObjectNode o, String... fields) {
        ObjectNode copy = o.deepCopy();
        for (String f : fields) {
            copy.remove(f);
        }
        return copy;
    }
}
