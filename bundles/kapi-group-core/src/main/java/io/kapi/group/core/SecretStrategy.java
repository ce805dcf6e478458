package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.patch.GoUnmarshal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's secret strategy: {@code stringData} folded into {@code data} (kube does it in conversion),
 * type defaulted to Opaque and immutable, key validation, the 1 MiB limit, the keys each type requires, {@code type}
 * selectable.
 */
final class SecretStrategy implements Strategy {
    /** The annotation naming a service account token's account (kube's {@code ServiceAccountNameKey}). */
    private static final String SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";

    /** Decoding's work in kube: the type defaulted, stringData folded into data (a write-only field). */
    @Override
    public void applyDefaults(ObjectNode object) {
        normalize(object);
    }

    private static void normalize(ObjectNode object) {
        if (Json.text(object, "type").isEmpty()) {
            object.put("type", "Opaque");
        }
        JsonNode sd = object.remove("stringData");
        if (sd != null && sd.isObject() && sd.size() > 0) {
            ObjectNode data = object.has("data") && object.get("data").isObject() ? (ObjectNode) object.get("data") : object.putObject("data");
            sd.fields().forEachRemaining(e -> data.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        }
    }

    /** kube's ValidateSecret: the data's keys and size, then what the secret's type requires of it. */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        long size = DataKeys.validate(object.get("data"), "data", DataKeys.newSeen(), causes, true);
        if (size > DataKeys.MAX_SIZE) {
            causes.add(new FieldCause("FieldValueTooLong", "Too long: must have at most " + DataKeys.MAX_SIZE + " bytes", "data"));
        }
        byType(object, causes);
        return causes;
    }

    /**
     * The keys each of kube's secret types requires: a service account token names its account in an annotation
     * (its token and uid a controller may add later), Docker configurations are JSON objects, basic auth has a
     * username or a password (either may be empty), SSH auth a private key that is not empty, TLS a certificate
     * and a key. Other types require nothing.
     */
    private static void byType(ObjectNode object, List<FieldCause> causes) {
        JsonNode data = object.path("data");
        switch (Json.text(object, "type")) {
            case "kubernetes.io/service-account-token" -> {
                if (object.path("metadata").path("annotations").path(SERVICE_ACCOUNT_NAME).asText("").isEmpty()) {
                    causes.add(FieldCause.required("metadata.annotations[" + SERVICE_ACCOUNT_NAME + "]", ""));
                }
            }
            case "kubernetes.io/dockercfg" -> dockerConfig(data, ".dockercfg", causes);
            case "kubernetes.io/dockerconfigjson" -> dockerConfig(data, ".dockerconfigjson", causes);
            case "kubernetes.io/basic-auth" -> {
                if (!data.has("username") && !data.has("password")) {
                    causes.add(FieldCause.required("data[username]", ""));
                    causes.add(FieldCause.required("data[password]", ""));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (decoded(data.get("ssh-privatekey")).length == 0) {
                    causes.add(FieldCause.required("data[ssh-privatekey]", ""));
                }
            }
            case "kubernetes.io/tls" -> {
                if (!data.has("tls.crt")) {
                    causes.add(FieldCause.required("data[tls.crt]", ""));
                }
                if (!data.has("tls.key")) {
                    causes.add(FieldCause.required("data[tls.key]", ""));
                }
            }
            default -> {
                // Opaque and types of its users' own: no keys required
            }
        }
    }

    /** A Docker configuration under {@code key}: there, and a JSON object (kube quotes Go's error, not the content). */
    private static void dockerConfig(JsonNode data, String key, List<FieldCause> causes) {
        if (!data.has(key)) {
            causes.add(FieldCause.required("data[" + key + "]", ""));
            return;
        }
        String error = GoUnmarshal.intoStringMap(decoded(data.get(key)));
        if (error != null) {
            causes.add(FieldCause.invalid("data[" + key + "]", "<secret contents redacted>", error));
        }
    }

    /** A data value's bytes; none when it is missing or not base64 (refused with its key already). */
    private static byte[] decoded(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(value.asText());
        } catch (IllegalArgumentException notBase64) {
            return new byte[0];
        }
    }

    /** kube's ValidateSecretUpdate: the type, then an immutable secret's flag and data, then the secret as on create. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        if (!Json.text(object, "type").equals(Json.text(old, "type"))) {
            causes.add(FieldCause.invalid("type", Json.text(object, "type"), "field is immutable"));
        }
        if (old.path("immutable").asBoolean(false)) {
            if (!object.path("immutable").asBoolean(false)) {
                causes.add(FieldCause.forbidden("immutable", "field is immutable when `immutable` is set"));
            }
            if (!Objects.equals(object.get("data"), old.get("data"))) {
                causes.add(FieldCause.forbidden("data", "field is immutable when `immutable` is set"));
            }
        }
        causes.addAll(validate(object));
        return causes;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("type", Json.text(object, "type"));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Type", "string", "The type of the secret"), o -> Json.text(o, "type"))
                .column(TableColumn.of("Data", "string", "The number of entries in the secret"), o -> o.path("data").size())
                .age().build();
    }
}
