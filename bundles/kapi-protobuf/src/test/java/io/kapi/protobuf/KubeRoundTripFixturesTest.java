package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube's own round-trip compatibility fixtures (k8s.io/api {@code testdata/HEAD}, kube 1.32; see
 * {@code kube-roundtrip/README.md}): for every kind, the same fuzzer-filled object (every field set)
 * as JSON and as protobuf.
 *
 * <p>kube's check ({@code apimachinery/pkg/api/apitesting/roundtrip/compatibility.go},
 * {@code runCurrentVersionTest}) decodes each format into the Go type and compares the objects with
 * {@code apiequality.Semantic.DeepEqual}, then re-encodes and requires identical bytes. Kapi has no
 * Go types, so the objects are compared as Jackson trees, normalized only as decoding into Go types
 * implies: formatting and key order do not matter (the fixture JSON is indented; Go decodes members
 * by name) and numbers compare by value (Go decodes {@code 1} into an int32 or int64 field alike;
 * Jackson's IntNode and LongNode do not compare equal). Nothing else is normalized: no null/absent
 * or empty/absent folding, no time parsing. The fuzzer sets every field, so every field of every
 * kind is exercised, with no kind left out: Lease, EndpointSlice, events.k8s.io Event and
 * RuntimeClass run through the descriptors {@link KubeGroupFiles} builds from kube's .proto files.
 *
 * <p>Encoding must also give kube's bytes exactly, as kube requires. That holds here because
 * Kapi writes fields in field-number order as gogo does, and every map in the fixtures has a
 * single entry; gogo sorts map entries by key while Kapi keeps the JSON object's order, so byte
 * equality with kube is only guaranteed for maps whose JSON keys are already sorted.
 */
class KubeRoundTripFixturesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String DIR = "/kube-roundtrip/";
    private final KubeProtobuf codec = new KubeProtobuf();

    /**
     * metav1.WatchEvent has no TypeMeta, so kube's encoder writes an envelope with an empty
     * apiVersion and kind, and kube's test decodes it only because it passes the kind as the default
     * (protobuf Serializer.Decode's gvkWithDefaults). Kapi's decode takes no default; the test gives
     * the envelope the kind kube's decoder would assume ({@code v1}, {@code WatchEvent}).
     */
    private static final String KINDLESS = "core.v1.WatchEvent";

    /** The envelope of a kind-less fixture with the kind kube's decoder defaults to. */
    private static byte[] withKind(byte[] pb, String apiVersion, String kind) throws Exception {
        Runtime.Unknown u = Runtime.Unknown.parseFrom(Arrays.copyOfRange(pb, 4, pb.length));
        byte[] inner = u.toBuilder().setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .build().toByteArray();
        byte[] out = Arrays.copyOf(pb, 4 + inner.length);
        System.arraycopy(inner, 0, out, 4, inner.length);
        return out;
    }

    static Stream<String> kinds() throws Exception {
        Path dir = Paths.get(KubeRoundTripFixturesTest.class.getResource(DIR).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList().stream();
        }
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = KubeRoundTripFixturesTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IOException(name + " is missing");
            }
            return in.readAllBytes();
        }
    }

    @Test
    void everyKindHasBothFormats() throws Exception {
        List<String> kinds = kinds().toList();
        // 74 kinds of the served groups in k8s.io/api v0.32.0 testdata/HEAD
        assertEquals(74, kinds.size(), "fixtures copied: " + kinds);
        for (String k : kinds) {
            read(k + ".pb");
        }
    }

    /** (a) kube's .pb decoded by Kapi is kube's .json. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void protobufDecodesToTheJsonFixture(String kind) throws Exception {
        JsonNode expected = M.readTree(read(kind + ".json"));
        byte[] pb = read(kind + ".pb");
        if (kind.equals(KINDLESS)) {
            pb = withKind(pb, "v1", "WatchEvent");
        }
        ObjectNode decoded = codec.decode(pb);
        if (kind.equals(KINDLESS)) {
            assertEquals("WatchEvent", decoded.remove("kind").asText());
            assertEquals("v1", decoded.remove("apiVersion").asText());
        }
        assertSame(kind, expected, decoded, "kube's .json", "Kapi's decode of kube's .pb");
    }

    /** (b) kube's .json encoded by Kapi decodes back to the same object, with kube's bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void jsonEncodesBackToTheProtobufFixture(String kind) throws Exception {
        JsonNode expected = M.readTree(read(kind + ".json"));
        byte[] pb = read(kind + ".pb");
        ObjectNode input = (ObjectNode) expected.deepCopy();
        if (kind.equals(KINDLESS)) {
            pb = withKind(pb, "v1", "WatchEvent");
            ((ObjectNode) expected).put("apiVersion", "v1").put("kind", "WatchEvent");
            input.put("apiVersion", "v1").put("kind", "WatchEvent");
        }
        byte[] encoded = codec.encode(input);
        assertSame(kind, expected, codec.decode(encoded), "kube's .json", "Kapi's encode+decode of it");
        if (!Arrays.equals(pb, encoded)) {
            fail(kind + ": Kapi's bytes differ from kube's .pb (" + encoded.length + " vs " + pb.length + " bytes)");
        }
    }

    private static void assertSame(String kind, JsonNode expected, JsonNode actual, String eName, String aName) {
        List<String> diffs = new ArrayList<>();
        diff("", expected, actual, diffs);
        if (!diffs.isEmpty()) {
            fail(kind + ": " + aName + " differs from " + eName + " at " + diffs.size() + " places:\n  "
                    + String.join("\n  ", diffs.subList(0, Math.min(25, diffs.size()))));
        }
    }

    static void diff(String path, JsonNode e, JsonNode a, List<String> out) {
        if (e.isObject() && a.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            e.fieldNames().forEachRemaining(names::add);
            a.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode ev = e.get(name);
                JsonNode av = a.get(name);
                String p = path + "/" + name;
                if (ev == null) {
                    out.add(p + ": unexpected " + abbrev(av));
                } else if (av == null) {
                    out.add(p + ": missing, expected " + abbrev(ev));
                } else {
                    diff(p, ev, av, out);
                }
            }
        } else if (e.isArray() && a.isArray()) {
            if (e.size() != a.size()) {
                out.add(path + ": " + a.size() + " items, expected " + e.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                diff(path + "/" + i, e.get(i), a.get(i), out);
            }
        } else if (e.isNumber() && a.isNumber()) {
            if (e.decimalValue().compareTo(a.decimalValue()) != 0) {
                out.add(path + ": " + a + ", expected " + e);
            }
                } else if (!e.equals(a)) {
            out.add(path + ": " + abbrev(a) + ", expected " + abbrev(e));
        }
    }

    private static String abbrev(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
