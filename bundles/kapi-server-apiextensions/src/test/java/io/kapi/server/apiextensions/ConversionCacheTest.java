package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ConversionCacheTest {
    private final AtomicInteger calls = new AtomicInteger();

    private static ObjectNode widget(String name, int size) {
        ObjectNode o = Json.object().put("apiVersion", "example.com/v1").put("kind", "Widget");
        o.putObject("metadata").put("name", name);
        o.putObject("spec").put("size", size);
        return o;
    }

    private Supplier<ObjectNode> converting(ObjectNode in) {
        return () -> {
            calls.incrementAndGet();
            ObjectNode out = in.deepCopy().put("apiVersion", "example.com/v2");
            ((ObjectNode) out.get("spec")).set("replicas", ((ObjectNode) out.get("spec")).remove("size"));
            return out;
        };
    }

    @Test
    void anUnchangedObjectIsConvertedOnceAndEachReaderGetsItsOwnCopy() {
        ConversionCache cache = new ConversionCache(1 << 20);
        ObjectNode first = cache.get("c1", widget("w1", 3), "v2", converting(widget("w1", 3)));
        first.with("metadata").put("resourceVersion", "7"); // a reader's change stays its own
        ObjectNode second = cache.get("c1", widget("w1", 3), "v2", converting(widget("w1", 3)));
        assertEquals(1, calls.get());
        assertNotSame(first, second);
        assertEquals("{\"apiVersion\":\"example.com/v2\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\"},\"spec\":{\"replicas\":3}}",
                second.toString());
        assertEquals(1, cache.hits());
    }

    @Test
    void aChangedObjectAnotherVersionOrAnotherConverterMisses() {
        ConversionCache cache = new ConversionCache(1 << 20);
        cache.get("c1", widget("w1", 3), "v2", converting(widget("w1", 3)));
        cache.get("c1", widget("w1", 4), "v2", converting(widget("w1", 4)));
        cache.get("c1", widget("w1", 3), "v3", converting(widget("w1", 3)));
        cache.get("c2", widget("w1", 3), "v2", converting(widget("w1", 3)));
        assertEquals(4, calls.get());
        assertEquals(0, cache.hits());
        assertEquals(4, cache.size());
    }

    @Test
    void aFailedConversionIsNotKept() {
        ConversionCache cache = new ConversionCache(1 << 20);
        assertThrows(IllegalStateException.class, () -> cache.get("c1", widget("w1", 3), "v2", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("webhook down");
        }));
        cache.get("c1", widget("w1", 3), "v2", converting(widget("w1", 3)));
        assertEquals(2, calls.get());
        assertEquals(1, cache.size());
    }

    @Test
    void theLeastRecentlyUsedGoFirstOnceTheBytesAreSpent() {
        long one = converting(widget("w0", 1)).get().toString().length();
        ConversionCache cache = new ConversionCache(one * 4 + one / 2); // four fit
        for (int i = 0; i < 4; i++) {
            cache.get("c1", widget("w" + i, 1), "v2", converting(widget("w" + i, 1)));
        }
        cache.get("c1", widget("w0", 1), "v2", converting(widget("w0", 1))); // w0 used again: w1 is now the oldest
        cache.get("c1", widget("w9", 1), "v2", converting(widget("w9", 1)));
        assertEquals(4, cache.size());
        assertEquals(4 * one, cache.bytes());
        calls.set(0);
        cache.get("c1", widget("w0", 1), "v2", converting(widget("w0", 1)));
        assertEquals(0, calls.get(), "w0 kept");
        cache.get("c1", widget("w1", 1), "v2", converting(widget("w1", 1)));
        assertEquals(1, calls.get(), "w1 dropped");
    }
}
