package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A LIST of one resource, as kube's store answers it: selectors, limit and continue tokens,
 * resourceVersion and resourceVersionMatch, paged through storage until the limit is filled; and the
 * answer written as JSON from the stored bytes, without decoding and encoding the items again.
 */
final class StoreLister {
    private final ResourceMeta meta;
    private final Storage storage;
    private final StoreCodec codec;
    private final StoreReader reader;
    private final SelectableFields selectable;

    StoreLister(ResourceMeta meta, Storage storage, StoreCodec codec, StoreReader reader, SelectableFields selectable) {
        this.meta = meta;
        this.storage = storage;
        this.codec = codec;
        this.reader = reader;
        this.selectable = selectable;
    }

    /** The list {@link #list} would answer for {@code listing}, but for its items (an empty {@code items} marks their place). */
    ObjectNode listEnvelope(Listing listing) {
        ObjectNode list = listHeader(listing);
        list.putArray("items");
        return list;
    }

    /** Item {@code i} of {@code listing} as {@link #list} has it, decoded now unless a selector already did. */
    ObjectNode listItem(Listing listing, int i) {
        ObjectNode obj = listing.decoded.get(i);
        return obj != null ? obj : codec.decode(listing.stored.get(i));
    }

    ObjectNode list(RequestContext ctx, ListOptions options) {
        Listing listing = listing(ctx, options);
        ArrayNode items = Json.NODES.arrayNode();
        for (int i = 0; i < listing.stored.size(); i++) {
            ObjectNode obj = listing.decoded.get(i);
            items.add(obj != null ? obj : codec.decode(listing.stored.get(i)));
        }
        ObjectNode list = listHeader(listing);
        list.set("items", items);
        return list;
    }

    private ObjectNode listHeader(Listing listing) {
        ObjectNode list = Json.object();
        list.put("kind", meta.listKind());
        list.put("apiVersion", meta.apiVersion());
        list.set("metadata", listing.metadata);
        return list;
    }

    /**
     * Writes {@code listing} as the JSON list {@link #list} returns, without decoding and re-encoding
     * the items: each item is its stored JSON with its resourceVersion added to its metadata (the
     * stored bytes are this store's own encoding, which leaves only the resourceVersion out).
     */
    void writeJson(Listing listing, OutputStream out) throws IOException {
        ObjectNode header = listHeader(listing);
        byte[] head = Json.bytes(header);
        out.write(head, 0, head.length - 1); // without the closing brace
        out.write(ITEMS_OPEN);
        for (int i = 0; i < listing.stored.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            KeyValue kv = listing.stored.get(i);
            ObjectNode obj = listing.decoded.get(i);
            int at = obj == null ? codec.storedJson.metadataBodyStart(kv.value()) : -1;
            if (at < 0) {
                out.write(Json.bytes(obj != null ? obj : codec.decode(kv)));
                continue;
            }
            StoreCodec.writeSpliced(kv, at, out);
        }
        out.write(ITEMS_CLOSE);
    }

    private static final byte[] ITEMS_OPEN = ",\"items\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ITEMS_CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);

    /** The items a LIST answers and its list metadata (resourceVersion, continue, remainingItemCount). */
    Listing listing(RequestContext ctx, ListOptions options) {
        ListOptionsValidation.check(options, false);
        Selection selection = new Selection(options, selectable);
        String prefix = codec.listPrefix(ctx.namespace());
        long revision = 0;
        String startAfter = null;
        String rv = options.resourceVersion();
        String match = options.resourceVersionMatch();
        if (options.continueToken() != null && !options.continueToken().isEmpty()) {
            if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
                throw StatusException.badRequest("specifying resource version is not allowed when using continue");
            }
            ContinueToken token = ContinueToken.decode(options.continueToken(), prefix);
            revision = token.revision();
            startAfter = token.startAfter();
        } else if (rv != null && !rv.isEmpty()) {
            long parsed = StoreReader.parseResourceVersion(rv);
            if (ListOptionsValidation.EXACT.equals(match)) {
                revision = parsed; // not 0: ListOptionsValidation refused that
            } else {
                reader.awaitRevision(parsed);
            }
        }
        String single = selection.fields.exactMatch("metadata.name");
        int limit = (int) Math.max(0, Math.min(options.limit(), Integer.MAX_VALUE));
        Listing items = new Listing();
        boolean everything = selection.everything();
        long readRevision;
        boolean more = false;
        long remaining = 0;
        String last = null;
        try {
            if (single != null && revision == 0 && (!meta.namespaced() || !ctx.namespace().isEmpty())) {
                // metadata.name=X pins one key: no range read (kubectl wait / get -w NAME use it)
                ListResult one = reader.readOne(codec.key(ctx.namespace(), single));
                readRevision = one.revision();
                for (KeyValue kv : one.items()) {
                    ObjectNode obj = everything ? null : codec.decode(kv);
                    if (everything || selection.matches(obj)) {
                        items.add(kv, obj);
                    }
                }
            } else {
                // page through storage until the limit is filled, as kube's store does with selectors
                readRevision = revision;
                while (true) {
                    int want = limit == 0 ? 0 : limit - items.size();
                    ListResult page = storage.list(prefix, readRevision, startAfter, want == 0 ? 0 : Math.max(want, selection.everything() ? want : 64));
                    readRevision = page.revision();
                    List<KeyValue> kvs = page.items();
                    int used = 0;
                    for (KeyValue kv : kvs) {
                        used++;
                        ObjectNode obj = everything ? null : codec.decode(kv);
                        last = kv.key();
                        if (everything || selection.matches(obj)) {
                            items.add(kv, obj);
                            if (limit > 0 && items.size() == limit) {
                                break;
                            }
                        }
                    }
                    boolean pageLeftover = used < kvs.size();
                    if (limit > 0 && items.size() == limit) {
                        more = pageLeftover || page.more();
                        if (more && selection.everything()) {
                            remaining = page.remaining() + (kvs.size() - used);
                        }
                        break;
                    }
                    if (!page.more()) {
                        break;
                    }
                    startAfter = kvs.isEmpty() ? startAfter : kvs.get(kvs.size() - 1).key();
                }
            }
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.COMPACTED && options.continueToken() != null
                    && !options.continueToken().isEmpty()) {
                throw StatusException.expired("The provided continue parameter is too old to display a consistent list result. "
                        + "You can start a new list without the continue parameter, or use the continue token in this response to "
                        + "retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - "
                        + "objects that were created, modified, or deleted between the time the first chunk was returned and now may "
                        + "show up in the list.");
            }
            if (e.code() == StorageException.Code.COMPACTED) {
                throw StoreReader.tooOld(revision, storage.compactedRevision());
            }
            if (e.code() == StorageException.Code.FUTURE_REVISION) {
                throw StatusException.tooLargeResourceVersion(revision, storage.currentRevision());
            }
            throw StoreReader.toStatus(e, meta, "");
        }
        ObjectNode lm = items.metadata;
        lm.put("resourceVersion", Long.toString(readRevision));
        if (more) {
            lm.put("continue", ContinueToken.encode(readRevision, last, prefix));
            if (remaining > 0) {
                lm.put("remainingItemCount", remaining);
            }
        }
        return items;
    }
}
