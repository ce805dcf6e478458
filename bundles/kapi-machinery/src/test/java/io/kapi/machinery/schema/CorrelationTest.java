package io.kapi.machinery.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The correlation of new and old values, the cases of kube's apiserver v0.32.0
 * pkg/cel/common/equality_test.go (TestCorrelation, all 23): following the key path from the roots gives the
 * expected new and old values (or no correlation), and {@link Correlation#unchanged()} agrees with a deep
 * comparison of the two unless the case expects equality (a reordered map list).
 */
class CorrelationTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static JsonNode y(String yaml) {
        try {
            return YAML.readTree(yaml.stripIndent());
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * kube's {@code TestCase.Run}: {@code newValue}/{@code oldValue} null for a path that must not correlate;
     * {@code expectEqual} for values equal though not deep-equal.
     */
    private static void correlates(String schema, String root, String oldRoot, List<Object> keyPath, String newValue,
            String oldValue, boolean expectEqual) {
        Correlation c = Correlation.of(y(root), y(oldRoot), StructuralSchema.parse(y(schema)));
        for (Object k : keyPath) {
            if (c == null) {
                break;
            }
            c = k instanceof String s ? c.key(s) : c.index((Integer) k);
        }
        if (newValue == null && oldValue == null) {
            assertNull(c, "no correlation expected along " + keyPath);
            return;
        }
        assertNotNull(c, "a correlation expected along " + keyPath);
        assertEquals(y(newValue), c.value());
        assertEquals(y(oldValue), c.oldValue());
        assertEquals(expectEqual || GoValues.deepEqual(c.value(), c.oldValue()), c.unchanged());
    }

    private static void correlates(String schema, String root, String oldRoot, List<Object> keyPath, String newValue, String oldValue) {
        correlates(schema, root, oldRoot, keyPath, newValue, oldValue, false);
    }

    private static final String STRING_A = "properties:\n  a: { type: string }";
    private static final String STRING_ITEMS = "items:\n  type: string";

    @Test
    void basicKey() {
        correlates(STRING_A, "a: b", "a: b", List.of("a"), "b", "b");
    }

    @Test
    void atomicArrayNotCorrelatable() {
        correlates(STRING_ITEMS, "[a, b]", "[a, b]", List.of(1), null, null);
    }

    @Test
    void addedKeyNotInOldObject() {
        correlates("properties:\n  a: { type: string }\n  c: { type: string }", "a: b\nc: d", "a: b", List.of("c"), null, null);
    }

    @Test
    void addedIndexNotInOldObject() {
        correlates(STRING_ITEMS, "[a, b, c]", "[a, b]", List.of(2), null, null);
    }

    @Test
    void changedIndexInOldObjectNotCorrelatable() {
        correlates(STRING_ITEMS, "[a, b]", "[a, oldB]", List.of(1), null, null);
    }

    @Test
    void changedIndexInNestedOldObject() {
        correlates(STRING_ITEMS, "[a, b]", "[a, oldB]", List.of(), "[a, b]", "[a, oldB]");
    }

    @Test
    void changedKeyInOldObject() {
        correlates(STRING_A, "a: b", "a: oldB", List.of("a"), "b", "oldB");
    }

    @Test
    void replacedKeyInOldObject() {
        correlates(STRING_A, "a: b", "b: a", List.of(), "a: b", "b: a");
    }

    @Test
    void addedKeyInOldObject() {
        correlates(STRING_A, "a: b", "{}", List.of(), "a: b", "{}");
    }

    @Test
    void changedListToMap() {
        correlates(STRING_A, "a: b", "[a, b]", List.of(), "a: b", "[a, b]");
    }

    @Test
    void changedStringToMap() {
        correlates(STRING_A, "a: b", "a string", List.of(), "a: b", "a string");
    }

    private static final String BAR_VAL_LIST = """
            properties:
              foo:
                type: array
                items:
                  type: object
                  properties:
                    bar:
                      type: string
                    val:
                      type: string
                x-kubernetes-list-type: %s
                x-kubernetes-list-map-keys:
                  - bar
            """;

    @Test
    void mapListType() {
        correlates(BAR_VAL_LIST.formatted("map"), """
                foo:
                - bar: baz
                  val: newBazValue
                """, """
                foo:
                - bar: fizz
                  val: fizzValue
                - bar: baz
                  val: bazValue
                """, List.of("foo", 0, "val"), "newBazValue", "bazValue");
    }

    @Test
    void atomicListItemShouldNotCorrelate() {
        correlates(BAR_VAL_LIST.formatted("atomic"), """
                foo:
                - bar: baz
                  val: newValue
                """, """
                foo:
                - bar: fizz
                  val: fizzValue
                - bar: baz
                  val: barValue
                """, List.of("foo", 0, "val"), null, null);
    }

    private static final String KEY_BAR_MAP_LIST = """
            properties:
              foo:
                type: array
                items:
                  type: object
                  properties:
                    key:
                      type: string
                    bar:
                      type: object
                      properties:
                        baz:
                          type: string
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys:
                  - key
            """;

    @Test
    void mapUsedInsideOfMapListTypeShouldCorrelate() {
        correlates(KEY_BAR_MAP_LIST, """
                foo:
                - key: keyValue
                  bar:
                    baz: newValue
                """, """
                foo:
                - key: otherKeyValue
                  bar:
                    baz: otherOldValue
                - key: altKeyValue
                  bar:
                    baz: altOldValue
                - key: keyValue
                  bar:
                    baz: oldValue
                """, List.of("foo", 0, "bar", "baz"), "newValue", "oldValue");
    }

    private static final String KEY_BAR_OBJECT = """
            properties:
              foo:
                type: object
                properties:
                  key:
                    type: string
                  bar:
                    type: object
                    properties:
                      baz:
                        type: string
            """;

    @Test
    void mapUsedInsideAnotherMapShouldCorrelate() {
        correlates(KEY_BAR_OBJECT, """
                foo:
                  key: keyValue
                  bar:
                    baz: newValue
                """, """
                foo:
                  key: otherKeyValue
                  bar:
                    baz: otherOldValue
                altFoo:
                  key: altKeyValue
                  bar:
                    baz: altOldValue
                otherFoo:
                  key: keyValue
                  bar:
                    baz: oldValue
                """, List.of("foo", "bar"), "baz: newValue", "baz: otherOldValue");
    }

    @Test
    void nestedMapEqualToOld() {
        correlates(KEY_BAR_OBJECT, """
                foo:
                  key: newKeyValue
                  bar:
                    baz: value
                """, """
                foo:
                  key: keyValue
                  bar:
                    baz: value
                """, List.of("foo", "bar"), "baz: value", "baz: value");
    }

    @Test
    void reorderedListConsideredEqualToOldValueDueToMapKeys() {
        String list = """
                - key: keyValue
                  bar:
                    baz: value
                - key: altKeyValue
                  bar:
                    baz: altValue
                """;
        String reordered = """
                - key: altKeyValue
                  bar:
                    baz: altValue
                - key: keyValue
                  bar:
                    baz: value
                """;
        correlates(KEY_BAR_MAP_LIST, "foo:\n" + list, "foo:\n" + reordered, List.of("foo"), list, reordered, true);
    }

    @Test
    void correlateUnknownStringKeyViaAdditionalProperties() {
        correlates("""
                properties:
                  foo:
                    type: object
                    additionalProperties:
                      properties:
                        baz:
                          type: string
                """, """
                foo:
                  key: keyValue
                  bar:
                    baz: newValue
                """, """
                foo:
                  key: otherKeyValue
                  bar:
                    baz: otherOldValue
                """, List.of("foo", "bar", "baz"), "newValue", "otherOldValue");
    }

    private static final String NEW_BAZ = """
            foo:
              key: keyValue
              bar:
                baz: newValue
            """;
    private static final String OLD_BAZ = """
            foo:
              key: keyValue
              bar:
                baz: oldValue
            """;

    @Test
    void changedMapValue() {
        correlates(KEY_BAR_OBJECT, NEW_BAZ, OLD_BAZ, List.of("foo", "bar"), "baz: newValue", "baz: oldValue");
    }

    @Test
    void changedNestedMapValue() {
        correlates(KEY_BAR_OBJECT, NEW_BAZ, OLD_BAZ, List.of("foo"), "key: keyValue\nbar:\n  baz: newValue",
                "key: keyValue\nbar:\n  baz: oldValue");
    }

    private static final String ATOMIC_MAP_SET = """
            properties:
              foo:
                type: array
                items:
                  type: object
                  x-kubernetes-map-type: atomic
                  properties:
                    key:
                      type: string
                    bar:
                      type: string
                x-kubernetes-list-type: set
            """;
    private static final String SET_ITEMS = """
            - key: key1
              bar: value1
            - key: key2
              bar: value2
            """;
    private static final String CHANGED_SET_ITEMS = """
            - key: key1
              bar: value1
            - key: key2
              bar: newValue2
            """;

    @Test
    void unchangedListTypeSetWithAtomicMapValues() {
        correlates(ATOMIC_MAP_SET, "foo:\n" + SET_ITEMS, "foo:\n" + SET_ITEMS, List.of("foo"), SET_ITEMS, SET_ITEMS);
    }

    @Test
    void changedListTypeSetWithAtomicMapValues() {
        correlates(ATOMIC_MAP_SET, "foo:\n" + CHANGED_SET_ITEMS, "foo:\n" + SET_ITEMS, List.of("foo"), CHANGED_SET_ITEMS, SET_ITEMS);
    }

    @Test
    void elementsOfListTypeSetWithAtomicMapValuesAreNotCorrelated() {
        correlates(ATOMIC_MAP_SET, "foo:\n" + CHANGED_SET_ITEMS, "foo:\n" + SET_ITEMS, List.of("foo", 0, "key"), null, null);
    }

    // Beyond kube's table: what its CachedDeepEqual does with the cases it does not list.

    @Test
    void aFieldTheSchemaDoesNotDescribeMakesAnObjectChanged() {
        Correlation c = Correlation.of(y("a: b\nextra: 1"), y("a: b\nextra: 1"), StructuralSchema.parse(y(STRING_A)));
        assertNull(c.key("extra"));
        assertFalse(c.unchanged());
    }

    @Test
    void aMapListItemWhoseKeysAreMissingOrNotScalarsDoesNotCorrelate() {
        String schema = BAR_VAL_LIST.formatted("map");
        Correlation c = Correlation.of(y("foo:\n- val: x\n- bar: [1]\n- bar: a"), y("foo:\n- val: x\n- bar: [1]\n- bar: a"),
                StructuralSchema.parse(y(schema))).key("foo");
        assertNull(c.index(0));
        assertNull(c.index(1));
        assertNotNull(c.index(2));
        assertFalse(c.unchanged(), "a map list with an uncorrelated item is changed, even when deep-equal");
    }

    @Test
    void integersAndFloatsDifferAsGoValues() {
        String schema = "properties:\n  n: { type: number }";
        assertFalse(Correlation.of(y("n: 1"), y("n: 1.0"), StructuralSchema.parse(y(schema))).key("n").unchanged());
        assertTrue(Correlation.of(y("n: 1.5"), y("n: 1.5"), StructuralSchema.parse(y(schema))).key("n").unchanged());
        assertTrue(Correlation.of(y("n: null"), y("n: null"), StructuralSchema.parse(y(schema))).unchanged());
        assertFalse(Correlation.unchanged(null), "no correlation counts as changed");
    }
}
