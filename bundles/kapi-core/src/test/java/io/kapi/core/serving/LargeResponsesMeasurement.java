package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The measurement behind "large objects and lists are streamed": LISTs of N ConfigMaps in each response form
 * and a GET of a 1 MiB Secret, with the bytes the handling thread allocated and the live heap's peak against
 * the response's size. N is {@code -Dkapi.measure.items} (default 2 000, so that it stays quick in the suite);
 * the numbers are printed, the bounds are asserted in {@link StreamedResponsesTest}.
 */
class LargeResponsesMeasurement extends ServingTestBase {
    static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    static final String METADATA = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    static final String METADATA_PROTOBUF = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    static APIGroupProvider core() {
        return core(null);
    }

    /** The core group's ConfigMaps (with {@code configMapStrategy}, null for none) and Secrets. */
    static APIGroupProvider core(Strategy configMapStrategy) {
        return new APIGroupProvider() {
            @Override
            public String group() {
                return "";
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(
                        new ResourceDefinition("v1", "configmaps", "configmap", "ConfigMap", false, List.of(), List.of(), null,
                                configMapStrategy, null),
                        new ResourceDefinition("v1", "secrets", "secret", "Secret", false, List.of(), List.of(), null, null, null));
            }
        };
    }

    /** N ConfigMaps of about 1 KiB each. */
    void configMaps(int n) throws Exception {
        String value = "v".repeat(900);
        for (int i = 0; i < n; i++) {
            String body = "{\"metadata\":{\"name\":\"cm-" + i + "\",\"labels\":{\"app\":\"a" + (i % 10) + "\"}},\"data\":{\"k\":\"" + value + "\"}}";
            assertEquals(201, call("POST", "/api/v1/configmaps", body).status);
        }
    }

    /** One Secret whose data is 1 MiB in its JSON (base64). */
    void bigSecret() throws Exception {
        String data = java.util.Base64.getEncoder().encodeToString(new byte[768 * 1024]);
        assertEquals(201, call("POST", "/api/v1/secrets", "{\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\"" + data + "\"}}").status);
    }

    @Test
    void measure() throws Exception {
        int n = Integer.getInteger("kapi.measure.items", 2000);
        serve(core());
        configMaps(n);
        bigSecret();
        String list = "/api/v1/configmaps";
        report("LIST " + n + " JSON", ResponseMemory.measure(server, list, "application/json", 3));
        report("LIST " + n + " Table", ResponseMemory.measure(server, list, TABLE, 3));
        report("LIST " + n + " PartialObjectMetadataList JSON", ResponseMemory.measure(server, list, METADATA, 3));
        report("LIST " + n + " PartialObjectMetadataList protobuf", ResponseMemory.measure(server, list, METADATA_PROTOBUF, 3));
        report("LIST " + n + " protobuf", ResponseMemory.measure(server, list, PROTOBUF, 3));
        report("LIST " + n + " YAML", ResponseMemory.measure(server, list, "application/yaml", 3));
        report("GET 1 MiB Secret JSON", ResponseMemory.measure(server, "/api/v1/secrets/big", "application/json", 3));
        report("GET 1 MiB Secret protobuf", ResponseMemory.measure(server, "/api/v1/secrets/big", PROTOBUF, 3));
        report("GET 1 MiB Secret Table", ResponseMemory.measure(server, "/api/v1/secrets/big?includeObject=Object", TABLE, 3));
    }

    private static void report(String what, ResponseMemory.Cost cost) {
        assertEquals(200, cost.status(), what);
        System.out.println("MEASURE " + what + ": " + cost);
    }
}
