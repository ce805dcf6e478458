package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The errors Go's {@code json.Unmarshal} gives for bytes decoded into a given Go type, for validation that
 * quotes them (kube's Secret validation checks that a {@code .dockerconfigjson} is JSON so).
 */
public final class GoUnmarshal {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GoUnmarshal() {
    }

    /**
     * Go's error for {@code json.Unmarshal(data, &map[string]interface{}{})}, or null when it decodes: a syntax
     * error as Go's scanner words it ({@code invalid character 'x' looking for beginning of value},
     * {@code unexpected end of JSON input}), or {@code json: cannot unmarshal array into Go value of type
     * map[string]interface {}} for a value that is not an object (JSON null decodes).
     */
    public static String intoStringMap(byte[] data) {
        String syntax = GoJson.syntaxError(data);
        if (syntax != null) {
            return syntax;
        }
        JsonNode value;
        try {
            value = MAPPER.readTree(data);
        } catch (IOException e) {
            // Go's scanner took it: a value Jackson does not read (a number out of its range) is not an object
            return "json: cannot unmarshal number into Go value of type map[string]interface {}";
        }
        if (value == null || value.isObject() || value.isNull()) {
            return null;
        }
        return "json: cannot unmarshal " + GoJson.kind(value) + " into Go value of type map[string]interface {}";
    }
}
