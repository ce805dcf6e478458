package io.kapi.core.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/**
 * Where a LIST or a GET splices an object's resourceVersion into the bytes its store wrote, so that the
 * object is served without being decoded and encoded again.
 *
 * <p>The store writes compact JSON that begins {@code {"apiVersion":"…","kind":"…","metadata":{} (see
 * {@link #inStoredOrder}) and leaves the resourceVersion out. Bytes that begin so and hold no
 * {@code "resourceVersion":} anywhere are answered from that prefix alone; for a LIST, anything else
 * (another order, whitespace, a resourceVersion somewhere, even inside a string) is parsed to find the
 * top-level metadata; what does not fit the form (another version among them) is decoded by the caller.
 */
final class StoredJson {
    private static final byte[] RESOURCE_VERSION = "\"resourceVersion\":".getBytes(StandardCharsets.US_ASCII);

    private final String apiVersion;
    private final byte[] head;

    /**
     * {@code obj} in the store's own form: its top-level members reordered so that apiVersion, kind and
     * metadata come first (clients send them in any order: client-go kind first, kubectl's maps sorted),
     * the rest as they were. The object itself when already so.
     */
    static ObjectNode inStoredOrder(ObjectNode obj) {
        Iterator<String> names = obj.fieldNames();
        boolean ordered = true;
        for (String first : FIRST_MEMBERS) {
            if (obj.has(first) && !(names.hasNext() && names.next().equals(first))) {
                ordered = false;
                break;
            }
        }
        if (ordered) {
            return obj;
        }
        ObjectNode out = Json.object();
        for (String first : FIRST_MEMBERS) {
            JsonNode value = obj.get(first);
            if (value != null) {
                out.set(first, value);
            }
        }
        obj.fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static final List<String> FIRST_MEMBERS = List.of("apiVersion", "kind", "metadata");

    /** For objects that must be stored in {@code apiVersion}; {@code kind} names the usual prefix. */
    StoredJson(String apiVersion, String kind) {
        this.apiVersion = apiVersion;
        this.head = ("{\"apiVersion\":" + quoted(apiVersion) + ",\"kind\":" + quoted(kind) + ",\"metadata\":{")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Where the members of the top-level {@code metadata} object of {@code json} begin (just after its
     * brace); -1 when the bytes are not compact JSON of this version without a resourceVersion, so the
     * caller decodes (and converts) instead.
     */
    int metadataBodyStart(byte[] json) {
        int at = ownFormMetadataBodyStart(json);
        return at >= 0 ? at : parsedMetadataBodyStart(json, apiVersion);
    }

    /**
     * {@link #metadataBodyStart} of bytes in the store's own form only, without parsing: they begin with
     * this version and kind, so they are the object a decode would give (apiVersion and kind included).
     */
    int ownFormMetadataBodyStart(byte[] json) {
        if (startsWith(json, head) && json.length > head.length
                && (json[head.length] == '"' || json[head.length] == '}') && indexOf(json, RESOURCE_VERSION) < 0) {
            return head.length;
        }
        return -1;
    }

    private static String quoted(String text) {
        return Json.NODES.textNode(text).toString();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        byte first = pattern[0];
        outer:
        for (int i = 0, last = bytes.length - pattern.length; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** {@link #parsedMetadataBodyStart(byte[], String)} of bytes of any version. */
    static int parsedMetadataBodyStart(byte[] json) {
        return parsedMetadataBodyStart(json, null);
    }

    /**
     * The top-level metadata's members found by parsing: where they begin in compact JSON that names
     * {@code apiVersion} (when not null) before its metadata and holds no resourceVersion there; -1
     * otherwise (no such object, whitespace, another version, a resourceVersion).
     */
    static int parsedMetadataBodyStart(byte[] json, String apiVersion) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            boolean versionSeen = apiVersion == null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("apiVersion".equals(name) && !versionSeen) {
                    if (value != JsonToken.VALUE_STRING || !apiVersion.equals(p.getText())) {
                        return -1;
                    }
                    versionSeen = true;
                    continue;
                }
                if (!"metadata".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_OBJECT || !versionSeen) {
                    return -1;
                }
                long brace = p.currentTokenLocation().getByteOffset();
                if (brace < 0 || brace >= json.length || json[(int) brace] != '{') {
                    return -1;
                }
                int at = (int) brace + 1;
                if (at >= json.length || (json[at] != '"' && json[at] != '}')) {
                    return -1;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    if ("resourceVersion".equals(p.currentName())) {
                        return -1;
                    }
                    p.nextToken();
                    p.skipChildren();
                }
                return at;
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
