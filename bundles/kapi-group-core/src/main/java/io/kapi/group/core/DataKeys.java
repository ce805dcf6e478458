package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of ConfigMap and Secret keys and sizes, as kube's {@code IsConfigMapKey} and the 1 MiB limits. */
final class DataKeys {
    static final int MAX_SIZE = 1024 * 1024;
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    private DataKeys() {
    }

    static List<String> keyErrors(String key) {
        List<String> errs = new ArrayList<>();
        if (key.length() > 253) {
            errs.add("must be no more than 253 characters");
        }
        if (!KEY.matcher(key).matches()) {
            errs.add("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        }
        if (key.equals(".")) {
            errs.add("must not be '.'");
        } else if (key.equals("..")) {
            errs.add("must not be '..'");
        } else if (key.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    /** Validates the keys of {@code field}; adds to {@code seen} for cross-field duplicates; returns the byte size. */
    static long validate(JsonNode map, String field, Set<String> seen, List<FieldCause> causes, boolean base64) {
        long size = 0;
        if (map == null || !map.isObject()) {
            return 0;
        }
        var it = map.fields();
        while (it.hasNext()) {
            var e = it.next();
            String key = e.getKey();
            for (String err : keyErrors(key)) {
                causes.add(FieldCause.invalid(field + "[" + key + "]", key, err));
            }
            if (!seen.add(key)) {
                causes.add(FieldCause.invalid(field + "[" + key + "]", key, "duplicate of key present in " + (field.endsWith("binaryData") ? "data" : "binaryData")));
            }
            String v = e.getValue().asText();
            if (base64) {
                try {
                    size += Base64.getDecoder().decode(v).length;
                } catch (IllegalArgumentException bad) {
                    causes.add(FieldCause.invalid(field + "[" + key + "]", "<value omitted>", "illegal base64 data"));
                }
            } else {
                size += v.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return size;
    }

    static Set<String> newSeen() {
        return new HashSet<>();
    }
}
