package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LimitRanges as kube 1.32 stores them: SetDefaults_LimitRangeItem, ValidateLimitRange with kube's messages, the default table. */
class LimitRangeStrategyTest {
    private final LimitRangeStrategy limits = new LimitRangeStrategy();

    private ObjectNode range(String items) throws Exception {
        return VolumeTests.created(limits, "{'apiVersion':'v1','kind':'LimitRange','metadata':{'name':'l','namespace':'default',"
                + "'creationTimestamp':'2026-01-01T00:00:00Z'},'spec':{'limits':" + items + "}}");
    }

    private List<String> errors(String items) throws Exception {
        return messages(limits.validate(range(items)));
    }

    private static String q(String text) {
        return io.kapi.machinery.quantity.Quantity.parse(text).roundUpToMilli().goSyntax();
    }

    @Test
    void containerDefaultsComeFromMaxDefaultAndMin() throws Exception {
        ObjectNode l = range("[{'type':'Container','max':{'cpu':'2','memory':'1Gi'},'min':{'cpu':'100m','ephemeral-storage':'1Gi'},"
                + "'default':{'memory':'512Mi'}},{'type':'Pod','max':{'cpu':'4'}}]");
        assertEquals("{\"memory\":\"512Mi\",\"cpu\":\"2\"}", l.at("/spec/limits/0/default").toString());
        assertEquals("{\"memory\":\"512Mi\",\"cpu\":\"2\",\"ephemeral-storage\":\"1Gi\"}", l.at("/spec/limits/0/defaultRequest").toString());
        assertFalse(l.at("/spec/limits/1").has("default"), "only containers get defaults");
        assertEquals(List.of(), limits.validate(l));
        assertEquals("{\"cpu\":\"1500m\"}", range("[{'type':'Container','max':{'cpu':'1.5'}}]").at("/spec/limits/0/max").toString());
        assertTrue(range("[]").at("/spec/limits").isArray());
        assertTrue(VolumeTests.created(limits, "{'metadata':{}}").at("/spec/limits").isNull(), "limits is not omitempty");
        StatusException bad = assertThrows(StatusException.class, () -> range("[{'type':'Pod','max':{'cpu':'x'}}]"));
        assertEquals("LimitRange in version \"v1\" cannot be handled as a LimitRange: quantities must match the regular expression "
                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", bad.getMessage());
        // no name: kube's strategy names it with a UUID; a PUT may create
        ObjectNode unnamed = VolumeTests.created(limits, "{'metadata':{},'spec':{'limits':[]}}");
        assertEquals(36, unnamed.at("/metadata/name").asText().length());
        assertTrue(limits.allowCreateOnUpdate());
    }

    @Test
    void kubesLimitRangeValidation() throws Exception {
        assertEquals(List.of("spec.limits[0].min[cpu]: Invalid value: " + q("200m") + ": min value 200m is greater than max value 100m"),
                errors("[{'type':'Pod','max':{'cpu':'100m'},'min':{'cpu':'200m'}}]"));
        assertEquals(List.of("spec.limits[0].default[cpu]: Invalid value: " + q("100m") + ": default value 200m is greater than max value 100m"),
                errors("[{'type':'Container','max':{'cpu':'100m'},'default':{'cpu':'200m'},'defaultRequest':{'cpu':'50m'}}]"));
        assertEquals(List.of("spec.limits[0].defaultRequest[cpu]: Invalid value: " + q("300m") + ": default request value 300m is greater than max value 200m",
                "spec.limits[0].defaultRequest[cpu]: Invalid value: " + q("300m") + ": default request value 300m is greater than default limit value 200m"),
                errors("[{'type':'Container','max':{'cpu':'200m'},'defaultRequest':{'cpu':'300m'}}]"));
        assertEquals(List.of("spec.limits[0].defaultRequest[cpu]: Invalid value: " + q("50m") + ": min value 100m is greater than default request value 50m",
                "spec.limits[0].default[cpu]: Invalid value: " + q("100m") + ": min value 100m is greater than default value 50m"),
                errors("[{'type':'Container','min':{'cpu':'100m'},'default':{'cpu':'50m'}}]"));
        assertEquals(List.of("spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: " + q("500m") + ": ratio 500m is less than 1"),
                errors("[{'type':'Container','maxLimitRequestRatio':{'cpu':'500m'}}]"));
        assertEquals(List.of("spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: " + q("3") + ": ratio 3 is greater than max/min = 2.000000"),
                errors("[{'type':'Pod','min':{'cpu':'1'},'max':{'cpu':'2'},'maxLimitRequestRatio':{'cpu':'3'}}]"));
        assertEquals(List.of("spec.limits[1].type: Duplicate value: \"Pod\""), errors("[{'type':'Pod'},{'type':'Pod'}]"));
        assertEquals(List.of("spec.limits[0].type: Invalid value: \"Node\": must be a standard limit type or fully qualified"),
                errors("[{'type':'Node'}]"));
        assertEquals(List.of("spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
                "spec.limits[0].defaultRequest: Forbidden: may not be specified when `type` is 'Pod'"),
                errors("[{'type':'Pod','default':{'cpu':'1'},'defaultRequest':{'cpu':'1'}}]"));
        assertEquals(List.of("spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided"),
                errors("[{'type':'PersistentVolumeClaim','max':{'cpu':'1'}}]"));
        // the container defaults copy max into default and defaultRequest, which kube then checks too
        assertEquals(List.of("spec.limits[0].max[storage]: Invalid value: \"storage\": must be a standard resource for containers",
                "spec.limits[0].default[storage]: Invalid value: \"storage\": must be a standard resource for containers",
                "spec.limits[0].defaultRequest[storage]: Invalid value: \"storage\": must be a standard resource for containers"),
                errors("[{'type':'Container','max':{'storage':'1Gi'}}]"));
        assertEquals(List.of("spec.limits[0].max[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified"),
                errors("[{'type':'PersistentVolumeClaim','max':{'foo':'1','storage':'1Gi'}}]"));
        assertEquals(List.of("spec.limits[0].min[example.com/gpu]: Invalid value: " + q("2") + ": min value 2 is greater than max value 1"),
                errors("[{'type':'Pod','max':{'example.com/gpu':'1'},'min':{'example.com/gpu':'2'}}]"));
        assertEquals(List.of("spec.limits[0].max[example.com]: Invalid value: \"example.com\": must be a standard resource for containers"),
                errors("[{'type':'Pod','max':{'example.com':'1'}}]").subList(1, 2));
        // huge pages cannot be overcommitted: the default limit is the default request
        assertEquals(List.of("spec.limits[0].defaultRequest[hugepages-2Mi]: Invalid value: " + q("2Mi")
                + ": default value 4Mi must equal to defaultRequest value 2Mi in hugepages-2Mi"),
                errors("[{'type':'Container','default':{'hugepages-2Mi':'4Mi'},'defaultRequest':{'hugepages-2Mi':'2Mi'}}]"));
    }

    @Test
    void theDefaultTableAndTheRegistration() throws Exception {
        ObjectNode l = range("[]");
        assertEquals(List.of("l", "2026-01-01T00:00:00Z"), limits.table().cells(l));
        assertEquals(List.of("Name", "Created At"), limits.table().columns().stream().map(TableColumn::name).toList());
        assertEquals("date", limits.table().columns().get(1).type());
        ResourceDefinition def = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("limitranges"))
                .findFirst().orElseThrow();
        assertTrue(def.namespaced());
        assertEquals(List.of("limits"), def.shortNames());
        assertEquals("limitrange", def.singular());
    }
}
