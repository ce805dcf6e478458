package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The streamed protobuf encodings are byte for byte {@link KubeProtobuf#encode}'s. */
class StreamingEncoderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final KubeProtobuf codec = new KubeProtobuf();

    private static ObjectNode configMap(int i, int valueBytes) {
        ObjectNode cm = MAPPER.createObjectNode();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        ObjectNode m = cm.putObject("metadata");
        m.put("name", "cm-" + i);
        m.put("namespace", "default");
        m.put("resourceVersion", Integer.toString(100 + i));
        m.put("creationTimestamp", "2025-01-02T03:04:05Z");
        m.putObject("labels").put("app", "a" + (i % 3));
        cm.putObject("data").put("k", "v".repeat(valueBytes));
        return cm;
    }

    private byte[] streamedList(List<ObjectNode> items, AtomicInteger asked) throws Exception {
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put("kind", "ConfigMapList");
        envelope.put("apiVersion", "v1");
        envelope.putObject("metadata").put("resourceVersion", "42").put("continue", "abc");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeList(envelope, items.size(), i -> {
            asked.incrementAndGet();
            return items.get(i);
        }, out);
        return out.toByteArray();
    }

    private byte[] wholeList(List<ObjectNode> items) {
        ObjectNode list = MAPPER.createObjectNode();
        list.put("kind", "ConfigMapList");
        list.put("apiVersion", "v1");
        list.putObject("metadata").put("resourceVersion", "42").put("continue", "abc");
        ArrayNode a = list.putArray("items");
        items.forEach(a::add);
        return codec.encode(list);
    }

    @Test
    void listsOfNoneOneAndManyItemsAreTheWholeEncoding() throws Exception {
        for (int n : new int[] {0, 1, 2, 500}) {
            List<ObjectNode> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // items past the kept budget are encoded twice; the large ones need multi-byte length prefixes
                items.add(configMap(i, i % 7 == 0 ? 70_000 : 300));
            }
            assertArrayEquals(wholeList(items), streamedList(items, new AtomicInteger()), n + " items");
        }
    }

    @Test
    void itemsBeyondTheKeptBudgetAreEncodedAgainNotKept() throws Exception {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(configMap(i, 20_000));
        }
        AtomicInteger asked = new AtomicInteger();
        assertArrayEquals(wholeList(items), streamedList(items, asked));
        int kept = StreamingEncoder.KEEP_BYTES / 20_100;
        assertEquals(40 + (40 - kept), asked.get(), "one sizing pass, and a second for the items not kept");
    }

    @Test
    void aLargeObjectIsTheWholeEncoding() throws Exception {
        ObjectNode secret = MAPPER.createObjectNode();
        secret.put("apiVersion", "v1");
        secret.put("kind", "Secret");
        secret.putObject("metadata").put("name", "big").put("resourceVersion", "7");
        secret.putObject("data").put("blob", java.util.Base64.getEncoder().encodeToString(new byte[1024 * 1024]));
        secret.put("type", "Opaque");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeTo(secret, out);
        assertArrayEquals(codec.encode(secret), out.toByteArray());
    }

    @Test
    void aKindWithoutAMessageFailsBeforeAnyByte() {
        ObjectNode table = MAPPER.createObjectNode();
        table.put("apiVersion", "meta.k8s.io/v1");
        table.put("kind", "Table");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StatusException e = assertThrows(StatusException.class, () -> codec.encodeList(table, 0, i -> null, out));
        assertEquals(406, e.code());
        assertEquals(0, out.size());
    }
}
