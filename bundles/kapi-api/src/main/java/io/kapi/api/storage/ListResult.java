package io.kapi.api.storage;

import java.util.List;

/**
 * A page of a range read.
 *
 * @param items the keys in key order
 * @param revision the revision the page was read at; following pages must be read at the same one
 * @param more whether keys after the last item remain
 * @param remaining how many keys remain after this page (0 when {@code more} is false)
 */
public record ListResult(List<KeyValue> items, long revision, boolean more, long remaining) {
}
