package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The patch types kube-apiserver serves on PATCH, applied as {@code pkg/endpoints/handlers/patch.go}
 * applies them, with its status for every bad body: JSON patch (RFC 6902, through zjsonpatch), JSON
 * merge patch (RFC 7386) and strategic merge patch. The current object is never changed: a failing
 * patch leaves nothing half applied.
 */
public final class Patches {
    public static final String JSON_PATCH = "application/json-patch+json";
    public static final String MERGE_PATCH = "application/merge-patch+json";
    public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    /** The patch types this class applies, in kube's order. */
    public static final List<String> SUPPORTED = List.of(JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH);
    /** What custom resources accept: no strategic merge patch, as kube's CRD handler. */
    public static final List<String> SUPPORTED_UNSTRUCTURED = List.of(JSON_PATCH, MERGE_PATCH);
    /** kube-apiserver's maxJSONPatchOperations. */
    public static final int MAX_JSON_PATCH_OPERATIONS = 10000;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .build();

    private Patches() {
    }

    /** {@link #apply(String, ObjectNode, byte[], SmpSchema, FieldValidation)} with kube's default, Warn. */
    public static ObjectNode apply(String contentType, ObjectNode current, byte[] body, SmpSchema schema) {
        return apply(contentType, current, body, schema, FieldValidation.WARN);
    }

    /**
     * Applies {@code body} of the given Content-Type to a copy of {@code current}.
     *
     * @param schema the strategic merge patch metadata; null for custom resources, which kube's CRD
     *               handler refuses strategic merge patches with a 415 (its list of accepted types also
     *               names application/apply-patch+yaml, which this class does not apply)
     * @throws StatusException kube-apiserver's status for an unsupported type or a bad patch
     */
    public static ObjectNode apply(String contentType, ObjectNode current, byte[] body, SmpSchema schema, FieldValidation validation) {
        String type = patchType(contentType, schema == null ? SUPPORTED_UNSTRUCTURED : SUPPORTED);
        byte[] data = body == null ? new byte[0] : body;
        FieldValidation mode = validation == null ? FieldValidation.WARN : validation;
        return switch (type) {
            case JSON_PATCH -> jsonPatch(current, data, mode);
            case MERGE_PATCH -> mergePatch(current, data, mode);
            default -> strategicMergePatch(current, data, schema);
        };
    }

    /**
     * The patch type of a Content-Type header: parameters after ';' dropped, as kube does, and
     * anything but the supported types refused with 415.
     */
    public static String patchType(String contentType) {
        return patchType(contentType, SUPPORTED);
    }

    /** {@link #patchType(String)} against the types a resource accepts. */
    public static String patchType(String contentType, List<String> accepted) {
        String type = contentType == null ? "" : contentType;
        int semicolon = type.indexOf(';');
        if (semicolon > 0) {
            type = type.substring(0, semicolon);
        }
        if (!accepted.contains(type) || !SUPPORTED.contains(type)) {
            throw unsupportedMediaType(accepted);
        }
        return type;
    }

    /** kube's 415 for a patch Content-Type it does not accept. */
    public static StatusException unsupportedMediaType(List<String> accepted) {
        return StatusException.unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: " + String.join(", ", accepted));
    }

    // ---- JSON patch

    private static ObjectNode jsonPatch(ObjectNode current, byte[] body, FieldValidation mode) {
        boolean strict = mode != FieldValidation.IGNORE;
        String prefix = strict ? "error decoding patch: " : "";
        JsonNode patch = decode(body, prefix);
        if (!patch.isArray() && !patch.isNull()) {
            throw StatusException.badRequest(prefix + typeError(patch, strict ? "[]handlers.jsonPatchOp" : "jsonpatch.Patch"));
        }
        if (patch.isNull()) {
            return current.deepCopy();
        }
        ArrayNode ops = (ArrayNode) patch;
        for (JsonNode op : ops) {
            if (!op.isObject() && !op.isNull()) {
                throw StatusException.badRequest(prefix + typeError(op, strict ? "handlers.jsonPatchOp" : "jsonpatch.Operation"));
            }
            if (strict && op.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = op.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    boolean stringField = f.getKey().equals("op") || f.getKey().equals("path") || f.getKey().equals("from");
                    if (stringField && !f.getValue().isTextual() && !f.getValue().isNull()) {
                        throw StatusException.badRequest(prefix + "json: cannot unmarshal " + GoJson.kind(f.getValue())
                                + " into Go struct field jsonPatchOp." + f.getKey() + " of type string");
                    }
                }
            }
        }
        if (ops.size() > MAX_JSON_PATCH_OPERATIONS) {
            throw StatusException.tooLarge("Request entity too large: The allowed maximum operations in a JSON patch is "
                    + MAX_JSON_PATCH_OPERATIONS + ", got " + ops.size());
        }
        JsonNode result;
        try {
            result = JsonPatches.apply(ops, current);
        } catch (IllegalStateException e) {
            // kube answers every failing operation with the generic 422 text; the library's reason is not shown
            throw StrategicMergePatch.unprocessable();
        }
        return asObject(result);
    }

    // ---- merge patch

    private static ObjectNode mergePatch(ObjectNode current, byte[] body, FieldValidation mode) {
        JsonNode patch;
        if (mode != FieldValidation.IGNORE) {
            patch = decode(body, "error decoding patch: ");
            if (!patch.isObject() && !patch.isNull()) {
                throw StatusException.badRequest("error decoding patch: " + typeError(patch, "map[string]interface {}"));
            }
        } else {
            if (GoJson.syntaxError(body) != null) {
                throw StatusException.badRequest("Invalid JSON Patch");
            }
            patch = decode(body, "");
        }
        if (patch.isNull() || !(patch.isObject() || patch.isArray())) {
            throw StatusException.badRequest("Invalid JSON Patch");
        }
        // an array patch replaces the whole document, which then does not decode as an object
        return asObject(MergePatch.apply(current, patch));
    }

    // ---- strategic merge patch

    private static ObjectNode strategicMergePatch(ObjectNode current, byte[] body, SmpSchema schema) {
        JsonNode patch = decode(body, "");
        if (!patch.isObject() && !patch.isNull()) {
            throw StatusException.badRequest(typeError(patch, "map[string]interface {}"));
        }
        ObjectNode p = patch.isNull() ? MAPPER.createObjectNode() : (ObjectNode) patch;
        return StrategicMergePatch.apply(current, p, schema);
    }

    // ---- decoding

    /** Decodes a body, reporting malformed JSON with Go's encoding/json message after {@code prefix}. */
    private static JsonNode decode(byte[] body, String prefix) {
        String syntax = GoJson.syntaxError(body);
        if (syntax != null) {
            throw StatusException.badRequest(prefix + syntax);
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            return n == null || n.isMissingNode() ? MAPPER.nullNode() : n;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // well-formed for Go but not for Jackson (e.g. bad UTF-8): still the client's body at fault
            throw StatusException.badRequest(prefix + e.getOriginalMessage());
        } catch (IOException e) {
            throw StatusException.badRequest(prefix + e.getMessage());
        }
    }

    private static String typeError(JsonNode value, String goType) {
        return "json: cannot unmarshal " + GoJson.kind(value) + " into Go value of type " + goType;
    }

    /**
     * A patched document that is not an object fails kube's decoding into the kind's type: 422 Invalid
     * on field "patch", with the serializer's message.
     */
    private static ObjectNode asObject(JsonNode result) {
        if (result instanceof ObjectNode o) {
            return o;
        }
        String json = result.toString();
        String why = result.isNull()
                ? "Object 'Kind' is missing in 'null'"
                : "couldn't get version/kind; json parse error: json: cannot unmarshal " + GoJson.kind(result)
                        + " into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }";
        throw StatusException.invalid("", "", "", List.of(FieldCause.invalid("patch", json, why)));
    }
}
