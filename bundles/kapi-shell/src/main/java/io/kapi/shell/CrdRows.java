package io.kapi.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What {@code kapi:crds} shows of each stored CustomResourceDefinition: its name, its state (kube's
 * conditions read as one word: Terminating, Established, NameConflict, or Pending before the controller
 * has seen it), its versions (served ones; {@code *} marks the storage version, {@code (off)} a version not
 * served) and the number of its objects in storage.
 */
final class CrdRows {
    static final String PREFIX = "/registry/apiextensions.k8s.io/customresourcedefinitions/";
    private static final Logger LOG = Logger.getLogger(CrdRows.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    record Row(String name, String state, String versions, String scope, long objects) {
    }

    private CrdRows() {
    }

    static List<Row> read(Storage storage) {
        List<Row> rows = new ArrayList<>();
        for (KeyValue kv : storage.list(PREFIX, 0, null, 0).items()) {
            JsonNode crd;
            try {
                crd = JSON.readTree(kv.value());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "the stored definition " + kv.key() + " is not JSON; not shown", e);
                continue;
            }
            JsonNode spec = crd.path("spec");
            String group = spec.path("group").asText();
            String plural = spec.path("names").path("plural").asText();
            rows.add(new Row(crd.path("metadata").path("name").asText(), state(crd), versions(spec.path("versions")),
                    spec.path("scope").asText(), storage.count("/registry/" + group + "/" + plural + "/")));
        }
        return rows;
    }

    static String state(JsonNode crd) {
        if (isTrue(crd, "Terminating") || !crd.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
            return "Terminating";
        }
        if (isTrue(crd, "Established")) {
            return "Established";
        }
        for (JsonNode c : crd.path("status").path("conditions")) {
            if ("NamesAccepted".equals(c.path("type").asText()) && "False".equals(c.path("status").asText())) {
                return "NameConflict";
            }
        }
        return "Pending";
    }

    private static boolean isTrue(JsonNode crd, String type) {
        for (JsonNode c : crd.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    static String versions(JsonNode versions) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : versions) {
            out.add(v.path("name").asText() + (v.path("storage").asBoolean(false) ? "*" : "")
                    + (v.path("served").asBoolean(false) ? "" : "(off)"));
        }
        return String.join(",", out);
    }
}
