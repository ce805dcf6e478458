package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link KubeProtobuf#encodeTo(byte[], java.util.function.Consumer, OutputStream)} gives {@link KubeProtobuf#encode}'s bytes. */
class SpannedEncodingTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final KubeProtobuf codec = new KubeProtobuf();

    static Iterator<String> kinds() throws Exception {
        return KubeRoundTripFixturesTest.kinds().filter(k -> !k.equals("core.v1.WatchEvent")).iterator();
    }

    private byte[] fromJson(byte[] json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeTo(json, o -> { }, out);
        return out.toByteArray();
    }

    /** Every kind of kube's fuzzer-filled fixtures (every field set, bytes fields among them), compact and indented. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void everyFixtureEncodesAsItsTree(String kind) throws Exception {
        byte[] indented;
        try (InputStream in = getClass().getResourceAsStream("/kube-roundtrip/" + kind + ".json")) {
            indented = in.readAllBytes();
        }
        ObjectNode tree = (ObjectNode) M.readTree(indented);
        byte[] expected = codec.encode(tree.deepCopy());
        assertArrayEquals(expected, fromJson(M.writeValueAsBytes(tree)), kind + ", compact");
        assertArrayEquals(expected, fromJson(indented), kind + ", indented");
        // apiVersion and kind last: nothing is left in place, the bytes are the same
        ObjectNode kindLast = tree.deepCopy();
        kindLast.remove("apiVersion");
        kindLast.remove("kind");
        kindLast.set("apiVersion", tree.get("apiVersion"));
        kindLast.set("kind", tree.get("kind"));
        assertArrayEquals(expected, fromJson(M.writeValueAsBytes(kindLast)), kind + ", apiVersion and kind last");
    }

    @Test
    void theAdjustedTreeIsEncoded() throws Exception {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"aGVsbG8=\"}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeTo(json.getBytes(StandardCharsets.UTF_8), o -> ((ObjectNode) o.get("metadata")).put("resourceVersion", "42"), out);
        ObjectNode decoded = codec.decode(out.toByteArray());
        assertEquals("42", decoded.at("/metadata/resourceVersion").asText());
        assertEquals("aGVsbG8=", decoded.at("/data/a").asText());
    }

    /** Padded, unpadded and empty values, keys in and out of order, and strings that are not strict base64. */
    @ParameterizedTest
    @ValueSource(strings = {"", "Zg==", "Zg", "Zm8=", "Zm8", "Zm9v", "+/+/", "a\\/bc", "Zg=", "Z", "Zm9v====", "Zm=9", "Zm 9", "Zm9v\\n"})
    void base64AsTheTreeReadsIt(String value) throws Exception {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},"
                + "\"data\":{\"b\":\"" + value + "\",\"a\":\"YQ==\"},\"immutable\":true}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ObjectNode tree = (ObjectNode) M.readTree(bytes);
        StatusException expectedFailure = null;
        byte[] expected = null;
        try {
            expected = codec.encode(tree);
        } catch (StatusException e) {
            expectedFailure = e;
        }
        if (expectedFailure == null) {
            assertArrayEquals(expected, fromJson(bytes), value);
        } else {
            StatusException e = assertThrows(StatusException.class, () -> fromJson(bytes), value);
            assertEquals(expectedFailure.getMessage(), e.getMessage());
        }
    }

    @Test
    void decodedSizeIsJavasDecodersLength() {
        Random random = new Random(7);
        for (int n = 0; n < 40; n++) {
            byte[] raw = new byte[n];
            random.nextBytes(raw);
            for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getEncoder().withoutPadding()}) {
                byte[] text = encoder.encode(raw);
                assertEquals(n, Base64Spans.decodedSize(text, 0, text.length), new String(text, StandardCharsets.US_ASCII));
            }
        }
        for (String bad : new String[] {"Z", "Zg=", "Zg===", "Z===", "Zm-v", "Zm_v", "=Zg=", "Zm9v\n"}) {
            byte[] text = bad.getBytes(StandardCharsets.US_ASCII);
            assertEquals(-1, Base64Spans.decodedSize(text, 0, text.length), bad);
        }
    }

    /**
     * A Secret of 768 KiB of data (1 MiB of base64 in its JSON) is encoded without its data held as a string or
     * as decoded bytes: the encoding thread allocates a small part of the 768 KiB it writes. Read into a tree
     * first, the same object costs over twice its size (the string, then the decoded bytes).
     */
    @Test
    void aLargeSecretIsDecodedAsItIsWritten() throws Exception {
        byte[] data = new byte[768 * 1024];
        new Random(1).nextBytes(data);
        byte[] json = ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\""
                + Base64.getEncoder().encodeToString(data) + "\"},\"type\":\"Opaque\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] expected = codec.encode((ObjectNode) M.readTree(json));
        assertArrayEquals(expected, fromJson(json));

        long inPlace = Long.MAX_VALUE;
        long viaTree = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            Counting sink = new Counting();
            long before = allocated();
            codec.encodeTo(json, o -> { }, sink);
            inPlace = Math.min(inPlace, allocated() - before);
            assertEquals(expected.length, sink.count);

            before = allocated();
            codec.encodeTo((ObjectNode) M.readTree(json), new Counting());
            viaTree = Math.min(viaTree, allocated() - before);
        }
        assertTrue(inPlace < expected.length / 4, "encoded from the JSON in place: allocated " + inPlace + " B for " + expected.length + " B");
        assertTrue(viaTree > 2L * expected.length, "read into a tree first: allocated " + viaTree + " B for " + expected.length + " B");
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    @Test
    void aDocumentThatIsNotAnObjectIsA500() {
        for (String bad : new String[] {"[]", "{\"apiVersion\":\"v1\",", "{} {}"}) {
            StatusException e = assertThrows(StatusException.class, () -> fromJson(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals(500, e.code(), bad);
        }
    }

    @Test
    void aKindWithoutAMessageIsA406BeforeAnythingIsWritten() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] json = "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"}}".getBytes(StandardCharsets.UTF_8);
        StatusException e = assertThrows(StatusException.class, () -> codec.encodeTo(json, o -> { }, out));
        assertEquals(406, e.code());
        assertEquals(0, out.size());
    }
}
