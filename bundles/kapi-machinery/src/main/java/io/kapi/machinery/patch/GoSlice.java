package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Go slice: a window (offset, length, capacity) on a shared backing array. Strategic merge patch
 * deletes from and appends to the original list in place, and Go slices that share the backing array
 * see those writes; kube's item order after a {@code $setElementOrder} depends on it, so it is modelled
 * rather than approximated.
 */
final class GoSlice {
    private static final int ELEMENT_SIZE = 16; // an interface{} value
    private static final int[] SIZE_CLASSES = {0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
        288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072,
        3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
        19072, 20480, 21760, 24576, 27264, 28672, 32768};

    private final JsonNode[] backing;
    private final int offset;
    private final int length;
    private final int capacity;

    private GoSlice(JsonNode[] backing, int offset, int length, int capacity) {
        this.backing = backing;
        this.offset = offset;
        this.length = length;
        this.capacity = capacity;
    }

    /** A slice whose capacity is its length, as kube's ToUnstructured makes them. */
    static GoSlice exact(List<JsonNode> items) {
        return new GoSlice(items.toArray(new JsonNode[0]), 0, items.size(), items.size());
    }

    /** A slice grown by appending one item at a time from empty, as encoding/json decodes arrays. */
    static GoSlice appended(List<JsonNode> items) {
        GoSlice s = new GoSlice(new JsonNode[0], 0, 0, 0);
        for (JsonNode item : items) {
            s = s.append(List.of(item));
        }
        return s;
    }

    int len() {
        return length;
    }

    JsonNode get(int i) {
        return backing[offset + i];
    }

    void set(int i, JsonNode v) {
        backing[offset + i] = v;
    }

    /** {@code s[lo:hi]}. */
    GoSlice slice(int lo, int hi) {
        return new GoSlice(backing, offset + lo, hi - lo, capacity - lo);
    }

    /** {@code append(s, items...)}: in place when the capacity allows, else into a new, grown array. */
    GoSlice append(List<JsonNode> items) {
        int newLength = length + items.size();
        if (newLength <= capacity) {
            for (int i = 0; i < items.size(); i++) {
                backing[offset + length + i] = items.get(i);
            }
            return new GoSlice(backing, offset, newLength, capacity);
        }
        int newCapacity = grow(capacity, newLength);
        JsonNode[] grown = new JsonNode[newCapacity];
        System.arraycopy(backing, offset, grown, 0, length);
        for (int i = 0; i < items.size(); i++) {
            grown[length + i] = items.get(i);
        }
        return new GoSlice(grown, 0, newLength, newCapacity);
    }

    List<JsonNode> list() {
        List<JsonNode> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(get(i));
        }
        return out;
    }

    /** Go's growslice for 16-byte elements: double below 256, then by a quarter, rounded up to a size class. */
    static int grow(int oldCap, int newLen) {
        int newCap = oldCap;
        int doubled = newCap + newCap;
        if (newLen > doubled) {
            newCap = newLen;
        } else if (oldCap < 256) {
            newCap = doubled;
        } else {
            while (newCap > 0 && newCap < newLen) {
                newCap += (newCap + 3 * 256) >> 2;
            }
            if (newCap <= 0) {
                newCap = newLen;
            }
        }
        long bytes = (long) newCap * ELEMENT_SIZE;
        return (int) (roundUpSize(bytes) / ELEMENT_SIZE);
    }

    private static long roundUpSize(long bytes) {
        for (int c : SIZE_CLASSES) {
            if (c >= bytes) {
                return c;
            }
        }
        long page = 8192;
        return (bytes + page - 1) / page * page;
    }
}
