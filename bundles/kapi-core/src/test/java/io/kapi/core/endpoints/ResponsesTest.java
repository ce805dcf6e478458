package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import org.junit.jupiter.api.Test;

class ResponsesTest {

    @Test
    void tooLargeResourceVersionIsKubesStatusWithACauseWithoutField() throws Exception {
        // kube-apiserver's answer to a LIST at a resourceVersion its cache does not reach within 3 s
        String kube = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Too large resource version: 10, current: 5\",\"reason\":\"Timeout\","
                + "\"details\":{\"causes\":[{\"reason\":\"ResourceVersionTooLarge\",\"message\":\"Too large resource version\"}],"
                + "\"retryAfterSeconds\":1},\"code\":504}";
        assertEquals(Json.MAPPER.readTree(kube), Responses.status(StatusException.tooLargeResourceVersion(10, 5)));
    }
}
