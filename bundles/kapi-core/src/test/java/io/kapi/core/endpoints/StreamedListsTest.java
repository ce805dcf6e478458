package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import io.kapi.core.registry.ResourceMeta;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

/**
 * The list encoders take their items one at a time: bytes reach the response before the last item is
 * encoded, in every form; a failure before the first byte leaves the response untouched.
 */
class StreamedListsTest {
    private static final int ITEMS = 5000;
    private final ServedResource resource = new ServedResource(new ResourceMeta("", "v1", "configmaps", "ConfigMap", false), null, new Object());
    private final AtomicInteger taken = new AtomicInteger();

    /** A response recording its status, headers, body, and how many items had been taken at its first byte. */
    private final class Recording {
        int status = -1;
        int takenAtFirstWrite = -1;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final HttpServletResponse proxy;

        Recording() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener l) {
                }

                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (body.size() == 0) {
                        takenAtFirstWrite = taken.get();
                    }
                    body.write(b, off, len);
                }
            };
            proxy = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (p, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                        case "setContentLength" -> headers.put("Content-Length", String.valueOf(args[0]));
                        case "getOutputStream" -> out;
                        case "isCommitted" -> body.size() > 0;
                        default -> null;
                    });
        }
    }

    private static ObjectNode configMap(int i) {
        ObjectNode cm = Json.object();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "cm-" + i).put("resourceVersion", Integer.toString(10 + i))
                .put("creationTimestamp", "2025-01-02T03:04:05Z")
                // metadata large enough that the PartialObjectMetadataList outgrows what protobuf's sizing pass keeps
                .putObject("annotations").put("note", "n".repeat(200));
        cm.putObject("data").put("k", "v".repeat(200));
        return cm;
    }

    private ListSource source(int count, int failAt) {
        ObjectNode envelope = Json.object();
        envelope.put("kind", "ConfigMapList");
        envelope.put("apiVersion", "v1");
        envelope.putObject("metadata").put("resourceVersion", "99");
        envelope.putArray("items");
        return new ListSource(envelope, count, i -> {
            if (i == failAt) {
                throw new IllegalStateException("item " + i + " cannot be read");
            }
            taken.incrementAndGet();
            return configMap(i);
        });
    }

    private static ObjectOutput.Negotiated form(String media, ObjectOutput.Output output) {
        return new ObjectOutput.Negotiated(media, output, ObjectOutput.IncludeObject.METADATA);
    }

    private static final List<ObjectOutput.Negotiated> FORMS = List.of(
            form(MediaType.JSON, ObjectOutput.Output.OBJECT), form(MediaType.YAML, ObjectOutput.Output.OBJECT),
            form(MediaType.PROTOBUF, ObjectOutput.Output.OBJECT), form(MediaType.JSON, ObjectOutput.Output.METADATA),
            form(MediaType.PROTOBUF, ObjectOutput.Output.METADATA), form(MediaType.JSON, ObjectOutput.Output.TABLE));

    @Test
    void bytesLeaveBeforeTheLastItemIsEncoded() throws Exception {
        for (ObjectOutput.Negotiated n : FORMS) {
            taken.set(0);
            Recording r = new Recording();
            ObjectOutput.writeList(resource, r.proxy, n, 200, source(ITEMS, -1));
            String what = n.media() + " " + n.output();
            assertEquals(200, r.status, what);
            assertTrue(r.takenAtFirstWrite >= 0 && r.takenAtFirstWrite < taken.get(),
                    what + ": items taken at the first byte " + r.takenAtFirstWrite + " of " + taken.get());
            if (!n.media().equals(MediaType.PROTOBUF)) {
                // protobuf sizes every item before its first byte (kube's too), then encodes them again to write them
                assertTrue(r.takenAtFirstWrite < ITEMS / 2, what + ": " + r.takenAtFirstWrite);
            }
            assertEquals(null, r.headers.get("Content-Length"), what + " is chunked");
            ObjectNode whole = BodyEncoder.whole(ObjectOutput.body(resource, n, source(ITEMS, -1)));
            assertArrayEquals(Codecs.encode(n.media(), whole), r.body.toByteArray(), what);
        }
    }

    @Test
    void aSmallListGoesOutWholeWithItsLength() throws Exception {
        for (ObjectOutput.Negotiated n : FORMS) {
            Recording r = new Recording();
            ObjectOutput.writeList(resource, r.proxy, n, 200, source(3, -1));
            assertEquals(Integer.toString(r.body.size()), r.headers.get("Content-Length"), n.toString());
        }
    }

    @Test
    void aFailureBeforeTheFirstByteLeavesTheResponseUntouched() {
        for (ObjectOutput.Negotiated n : FORMS) {
            Recording r = new Recording();
            assertThrows(IllegalStateException.class, () -> ObjectOutput.writeList(resource, r.proxy, n, 200, source(ITEMS, 50)));
            assertEquals(-1, r.status, n.toString());
            assertEquals(0, r.body.size(), n.toString());
        }
    }
}
