package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML request bodies as kube-apiserver reads them: {@code sigs.k8s.io/yaml}'s YAML-to-JSON over
 * go-yaml v2. SnakeYAML composes the node graph (YAML 1.1 scalars, as go-yaml v2 resolves them), and
 * this class turns it into JSON with go-yaml's rules: aliases are expanded, a document whose
 * expansion is mostly aliases ({@code decoder.unmarshal}'s ratio: more than 100 alias decodes past
 * 1 000 decodes, over 99 % of them aliases for a small document, down to 10 % for a large one) is
 * refused as "excessive aliasing" (a billion-laughs body answers 400 and is never stored), merge keys
 * ({@code <<}) merge, and keys set twice in one mapping are reported as {@code YAMLToJSONStrict}
 * reports them, which kube turns into a strict decoding error. Only the first document is read.
 */
final class YamlBodies {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 1000;

    private YamlBodies() {
    }

    /** The first document as JSON, and the strict error for keys set twice (null when none). */
    record Decoded(JsonNode value, String duplicateKeys) {
    }

    static Decoded decode(byte[] body) {
        LoaderOptions options = new LoaderOptions();
        // aliases are bounded by go-yaml's ratio below, not by SnakeYAML's count of 50
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(ResourceHandler.MAX_BODY + 1);
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            Iterator<Node> documents = new Yaml(options).composeAll(
                    new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8)).iterator();
            root = documents.hasNext() ? documents.next() : null;
        } catch (YAMLException e) {
            throw StatusException.badRequest("error converting YAML to JSON: yaml: " + Codecs.firstLine(e.getMessage()));
        }
        if (root == null) {
            return new Decoded(null, null);
        }
        Converter c = new Converter();
        JsonNode value = c.convert(root, 0);
        String duplicates = c.duplicates.isEmpty() ? null
                : "error converting YAML to JSON: yaml: unmarshal errors:\n  " + String.join("\n  ", c.duplicates);
        return new Decoded(value, duplicates);
    }

    private static final class Converter {
        private final Map<Node, Boolean> defined = new IdentityHashMap<>();
        private final List<String> duplicates = new ArrayList<>();
        private int decodeCount;
        private int aliasCount;
        private int aliasDepth;

        JsonNode convert(Node node, int depth) {
            if (depth > MAX_DEPTH) {
                throw StatusException.badRequest("error converting YAML to JSON: yaml: exceeded max depth of " + MAX_DEPTH);
            }
            // the first visit of an anchored node is its definition; later visits are aliases to it
            boolean alias = node.getAnchor() != null && defined.put(node, Boolean.TRUE) != null;
            if (alias) {
                aliasDepth++;
            }
            try {
                decodeCount++;
                if (aliasDepth > 0) {
                    aliasCount++;
                }
                if (aliasCount > 100 && decodeCount > 1000 && (double) aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
                    throw StatusException.badRequest("error converting YAML to JSON: yaml: document contains excessive aliasing");
                }
                if (node instanceof ScalarNode s) {
                    return scalar(s);
                }
                if (node instanceof SequenceNode seq) {
                    ArrayNode out = NODES.arrayNode();
                    for (Node item : seq.getValue()) {
                        out.add(convert(item, depth + 1));
                    }
                    return out;
                }
                MappingNode map = (MappingNode) node;
                ObjectNode out = NODES.objectNode();
                Set<String> seen = new HashSet<>();
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode().getTag().equals(Tag.MERGE)) {
                        merge(out, t.getValueNode(), depth + 1);
                        continue;
                    }
                    String key = key(t.getKeyNode());
                    if (!seen.add(key)) {
                        duplicates.add("line " + (t.getKeyNode().getStartMark().getLine() + 1) + ": key "
                                + io.kapi.api.rest.FieldCause.goQuote(key) + " already set in map");
                    }
                    out.set(key, convert(t.getValueNode(), depth + 1));
                }
                return out;
            } finally {
                if (alias) {
                    aliasDepth--;
                }
            }
        }

        /**
         * go-yaml v2's merge: a mapping's keys, or a sequence of mappings (aliases to them too) with the
         * earlier ones winning; anything else is refused. Every merged mapping goes through
         * {@link #convert}, so it counts towards the depth and alias limits.
         */
        private void merge(ObjectNode out, Node value, int depth) {
            List<Node> maps = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
            for (int i = maps.size() - 1; i >= 0; i--) {
                if (!(maps.get(i) instanceof MappingNode)) {
                    throw StatusException.badRequest("error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
                }
                out.setAll((ObjectNode) convert(maps.get(i), depth));
            }
        }

        private String key(Node node) {
            if (!(node instanceof ScalarNode s)) {
                throw StatusException.badRequest("error converting YAML to JSON: yaml: invalid map key: a mapping or sequence");
            }
            JsonNode k = scalar(s);
            return k.isNull() ? "null" : k.asText();
        }
    }

    /** go-yaml v2's {@code allowedAliasRatio}: 99 % up to 400 000 decodes, scaling down to 10 % at 4 000 000. */
    private static double allowedAliasRatio(int decodeCount) {
        if (decodeCount <= 400_000) {
            return 0.99;
        }
        if (decodeCount >= 4_000_000) {
            return 0.10;
        }
        return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000.0);
    }

    /** A scalar by the YAML 1.1 tag SnakeYAML resolved (go-yaml v2 resolves the same plain scalars). */
    private static JsonNode scalar(ScalarNode s) {
        Tag tag = s.getTag();
        String v = s.getValue();
        if (tag.equals(Tag.NULL)) {
            return NODES.nullNode();
        }
        if (tag.equals(Tag.BOOL)) {
            String l = v.toLowerCase(Locale.ROOT);
            return NODES.booleanNode(l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y"));
        }
        if (tag.equals(Tag.INT)) {
            BigInteger i = integer(v);
            if (i != null) {
                // the node types Jackson gives the same number in JSON, so trees compare equal
                return i.bitLength() < 32 ? NODES.numberNode(i.intValue())
                        : i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(i);
            }
        }
        if (tag.equals(Tag.FLOAT) && !v.contains(":")) {
            String f = v.replace("_", "");
            try {
                double d = Double.parseDouble(f);
                if (!Double.isInfinite(d) && !Double.isNaN(d)) {
                    return NODES.numberNode(d);
                }
            } catch (NumberFormatException e) {
                // .inf and .nan: JSON has no such numbers
            }
            throw StatusException.badRequest("error converting YAML to JSON: json: unsupported value: " + v);
        }
        return NODES.textNode(v);
    }

    /**
     * YAML 1.1 integers as go-yaml v2 reads them: sign, underscores, 0b binary, 0x hex, 0-prefixed
     * octal; null otherwise (SnakeYAML's base-60 {@code 1:20} is a string to go-yaml v2).
     */
    private static BigInteger integer(String text) {
        String v = text.replace("_", "");
        boolean negative = v.startsWith("-");
        if (negative || v.startsWith("+")) {
            v = v.substring(1);
        }
        BigInteger value;
        try {
            if (v.startsWith("0b")) {
                value = new BigInteger(v.substring(2), 2);
            } else if (v.startsWith("0x")) {
                value = new BigInteger(v.substring(2), 16);
            } else if (v.length() > 1 && v.startsWith("0")) {
                value = new BigInteger(v.substring(1), 8);
            } else {
                value = new BigInteger(v);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return negative ? value.negate() : value;
    }
}
