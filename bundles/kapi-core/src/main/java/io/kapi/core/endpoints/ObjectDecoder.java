package io.kapi.core.endpoints;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import io.kapi.machinery.patch.FieldValidation;
import io.kapi.machinery.validation.StrictDecoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.servlet.http.HttpServletResponse;

/**
 * A write's object decoded into the resource's kind, as kube's create, update and patch handlers
 * decode it, with the request's {@code fieldValidation}: unknown fields are never stored (kube decodes
 * built-in kinds into Go types, which have nowhere to keep them); unknown and duplicate fields are
 * refused under Strict ({@code strict decoding error: …}: a 400 for a create's or update's body, a
 * 422 for a patch's result), one {@code Warning: 299} header each under Warn (kube-apiserver's
 * default, which kubectl prints), and nothing under Ignore.
 */
final class ObjectDecoder {
    private ObjectDecoder() {
    }

    /** Decodes a create's or update's body by its Content-Type. */
    static ObjectNode decode(ServedResource resource, String contentType, byte[] body, FieldValidation validation,
                             Collection<String> warnings) {
        String type = contentType == null ? MediaType.JSON : MediaType.parse(contentType).type();
        StrictDecoding.Result result;
        List<String> errors = new ArrayList<>();
        switch (type) {
            case MediaType.JSON -> {
                try (JsonParser p = Json.MAPPER.createParser(body)) {
                    result = resource.decoding().decode(p);
                    if (p.nextToken() != null) {
                        throw StatusException.badRequest("the object provided is unrecognized: unexpected data after the object");
                    }
                } catch (IOException e) {
                    if (body.length == 0) {
                        throw StatusException.badRequest("the body of the request was empty");
                    }
                    throw StatusException.badRequest("the object provided is unrecognized: " + Codecs.firstLine(e.getMessage()));
                }
                errors.addAll(result.errors());
            }
            case MediaType.YAML -> {
                YamlBodies.Decoded yaml = YamlBodies.decode(body);
                if (yaml.value() == null) {
                    throw StatusException.badRequest("the body of the request was empty");
                }
                if (!(yaml.value() instanceof ObjectNode o)) {
                    throw StatusException.badRequest("the body of the request must be an object");
                }
                result = resource.decoding().decode(o, Json.MAPPER);
                errors.addAll(result.errors());
                if (yaml.duplicateKeys() != null) {
                    // kube runs YAMLToJSONStrict after the JSON decode and adds its error last
                    errors.add(yaml.duplicateKeys());
                }
            }
            case MediaType.PROTOBUF -> {
                // typed: nothing unknown or duplicate can reach the object
                return Codecs.decode(contentType, body);
            }
            default -> throw Codecs.unsupportedBody();
        }
        String kind = resource.meta().kind();
        if (result.typeError() != null) {
            // the body does not decode into the kind's Go type: no field validation lets it through
            throw StatusException.badRequest(kind + " in version \"" + resource.meta().version() + "\" cannot be handled as a "
                    + kind + ": " + result.typeError());
        }
        if (report(validation, errors, warnings)) {
            // kube's transformDecodeError for a body whose kind it knows
            throw StatusException.badRequest(kind + " in version \"" + resource.meta().version() + "\" cannot be handled as a "
                    + kind + ": " + StrictDecoding.strictDecodingError(errors));
        }
        return result.object();
    }

    /** {@link #decode}, then {@link #omitEmptyMetadata}: the object of a create or an update. */
    static ObjectNode decodeWrite(ServedResource resource, String contentType, byte[] body, FieldValidation validation,
                                  Collection<String> warnings) {
        return omitEmptyMetadata(decode(resource, contentType, body, validation, warnings));
    }

    /**
     * A patched object checked against the kind (unknown fields dropped), as kube decodes a patch's
     * result: under Strict a 422 on the field {@code patch}, whose value is the patched object.
     */
    static ObjectNode checkPatched(ServedResource resource, ObjectNode patched, FieldValidation validation,
                                   Collection<String> warnings) {
        StrictDecoding.Result result = resource.decoding().decode(patched, Json.MAPPER);
        if (result.typeError() != null) {
            throw StatusException.invalid("", "", "", List.of(FieldCause.invalid("patch", Json.MAPPER.valueToTree(patched).toString(),
                    result.typeError())));
        }
        if (report(validation, result.errors(), warnings)) {
            throw StatusException.invalid("", "", "", List.of(FieldCause.invalid("patch", Json.MAPPER.valueToTree(patched).toString(),
                    StrictDecoding.strictDecodingError(result.errors()))));
        }
        return omitEmptyMetadata(result.object());
    }

    /**
     * The object's {@code metadata} as kube keeps it: every field of {@code metav1.ObjectMeta} is {@code omitempty},
     * so a decode into it and back leaves out a null, an empty string, and an empty map or list (kubectl's
     * client-side apply and diff send {@code annotations: {}}, kube answers without them). An empty
     * {@code managedFields} list is no request to reset them, as in kube. Returns {@code object}, changed in place.
     */
    static ObjectNode omitEmptyMetadata(ObjectNode object) {
        if (object.get("metadata") instanceof ObjectNode meta) {
            meta.properties().removeIf(e -> {
                JsonNode v = e.getValue();
                return v.isNull() || v.isTextual() && v.asText().isEmpty() || v.isContainerNode() && v.isEmpty();
            });
        }
        return object;
    }

    /** Adds the warnings under Warn; true when Strict must refuse the request. */
    private static boolean report(FieldValidation validation, List<String> errors, Collection<String> warnings) {
        if (errors.isEmpty() || validation == FieldValidation.IGNORE) {
            return false;
        }
        if (validation == FieldValidation.STRICT) {
            return true;
        }
        warnings.addAll(errors);
        return false;
    }

    /** kube's warning headers: {@code 299 - "text"}, the text quoted as Go's strconv.Quote does. */
    static void writeWarnings(HttpServletResponse resp, Collection<String> warnings) {
        for (String w : warnings) {
            resp.addHeader("Warning", "299 - " + FieldCause.goQuote(w));
        }
    }
}
