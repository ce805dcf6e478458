package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Server-side apply and {@code managedFields}, as kube-apiserver's field manager runs them over
 * structured-merge-diff ({@code k8s.io/apimachinery/pkg/util/managedfields/internal},
 * {@code sigs.k8s.io/structured-merge-diff/merge/update.go}), for one kind:
 * <ul>
 *   <li>{@link #update}: a create, update or patch gives its manager (operation {@code Update}) the
 *       fields it added or changed, and takes the fields it removed from every manager; an object
 *       that has no managed fields is not tracked on update (kube's skipNonApplied), a created one is;</li>
 *   <li>{@link #apply}: merges an applied configuration into the live object; fields another manager
 *       owns whose value would change are conflicts (409 with one cause per field and manager) unless
 *       {@code force} takes them; fields the applier set before and no longer sets are removed when
 *       nobody else owns them; an object without managed fields is first attributed to
 *       {@code before-first-apply}. For {@code kubectl}, conflicts inside the fields of a
 *       {@code kubectl.kubernetes.io/last-applied-configuration} annotation are taken (the upgrade from
 *       client-side apply), and that annotation is kept in step with the applied configuration.</li>
 * </ul>
 * Stored sets leave out what kube's stripMeta leaves out (apiVersion, kind, metadata's system fields).
 * Entries are kept in kube's order (Apply before Update, then by time, manager, apiVersion,
 * subresource). An entry's time moves when its write changed a field it owns afterwards (kube's
 * managedFieldsUpdater): an update that changes an owned field's value, an apply that changes the
 * object. {@link #ignoring} gives a field manager that neither owns nor takes the fields an endpoint
 * resets (kube's reset fields, SMD's {@code IgnoredFields}). Thread-safe: instances hold only the
 * schema and the ignored fields.
 */
public final class FieldManager {
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** kube's DefaultMaxUpdateManagers. */
    static final int MAX_UPDATE_MANAGERS = 10;
    private static final String ANCIENT_CHANGES = "ancient-changes";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The fields structured-merge-diff never records as owned (type meta, the server's metadata), kube's stripped set. */
    static final FieldSet STRIPPED = stripped();

    private final Structure root;
    private final String apiVersion;
    private final FieldSet ignored;
    private final Versions versions;

    /**
     * @param schema the kind's OpenAPI v3 schema (null: every object a granular map, every list atomic)
     * @param refs resolves its {@code $ref}s
     * @param apiVersion the served group/version, recorded in every entry
     */
    public FieldManager(JsonNode schema, Function<String, JsonNode> refs, String apiVersion) {
        this(Structure.of(schema, refs), apiVersion, new FieldSet(), null);
    }

    private FieldManager(Structure root, String apiVersion, FieldSet ignored, Versions versions) {
        this.root = root;
        this.apiVersion = apiVersion;
        this.ignored = ignored;
        this.versions = versions;
    }

    /**
     * This field manager reading the entries of other versions through {@code versions}: each manager
     * loses, conflicts over and keeps through pruning what changes in the object at its own version.
     */
    public FieldManager converting(Versions versions) {
        return new FieldManager(root, apiVersion, ignored, versions);
    }

    String apiVersion() {
        return apiVersion;
    }

    Structure root() {
        return root;
    }

    /** The field manager that reads {@code version}: this one for its own version, and for every version without {@link Versions}. */
    FieldManager at(String version) {
        return versions == null || version.equals(apiVersion) ? this : versions.fieldManager(version);
    }

    /** {@code value} (at {@code from}) at version {@code to}, without its managed fields; unchanged without {@link Versions}. */
    JsonNode convert(JsonNode value, String from, String to) {
        if (value == null || versions == null || from.equals(to)) {
            return value;
        }
        return versions.convert(value instanceof ObjectNode o ? withoutManagedFields(o) : value, from, to);
    }

    /**
     * This field manager with {@code fields} (and everything below them) ignored, as SMD's updater
     * ignores kube's reset fields (a strategy's {@code GetResetFields}, e.g. {@code status} through the
     * resource, {@code spec} through {@code /status}): no write owns them, and a write that changes them
     * takes them from nobody and conflicts with nobody over them. The value is still merged; resetting
     * it is the strategy's job.
     */
    public FieldManager ignoring(FieldSet fields) {
        return new FieldManager(root, apiVersion, ignored.union(fields), versions);
    }

    /** The fields this field manager ignores ({@link #ignoring}); empty by default. */
    public FieldSet ignored() {
        return ignored.copy();
    }

    /**
     * structured-merge-diff's {@code ExtractItems} by this field manager's schema: the parts of
     * {@code object} that {@code items} names, map-list items by key, set items by value, atomic values
     * whole; a granular map or list from which nothing is taken is null (details: SMD's
     * {@code typed/remove.go}). client-go's apply configurations ({@code ExtractInto}) extract the
     * {@link FieldSet#leaves()} of a manager's Apply entry so. The ignored fields play no part.
     *
     * @param withKeyFields SMD's {@code WithAppendKeyFields}: each path the object sets brings along the
     *        key fields of the map-list items on its way
     * @return a new value, a JSON null when nothing is taken
     */
    public JsonNode extractItems(JsonNode object, FieldSet items, boolean withKeyFields) {
        return Extraction.extract(object, root, items, withKeyFields);
    }

    /**
     * What changed for the managers of {@code version}: the comparison of both objects converted there,
     * once per version ({@code cache} holds this version's own).
     *
     * @throws Versions.MissingVersion when that version is no longer served
     */
    private Fields.Comparison comparisonAt(String version, JsonNode before, JsonNode after, Map<String, Fields.Comparison> cache) {
        Fields.Comparison c = cache.get(versions == null ? apiVersion : version);
        if (c == null) {
            c = at(version).compare(convert(before, apiVersion, version), convert(after, apiVersion, version));
            cache.put(version, c);
        }
        return c;
    }

    /**
     * SMD's reconcileManagedFieldsWithSchemaChanges: each entry's set in line with the schema of its
     * version ({@link SchemaChanges}); the entries of a version no longer served are dropped. Without
     * {@link Versions} only the entries of this version are reconciled.
     */
    private void reconcile(Map<String, Entry> managers) {
        for (Map.Entry<String, Entry> e : new ArrayList<>(managers.entrySet())) {
            Entry m = e.getValue();
            if (versions == null && !m.apiVersion.equals(apiVersion)) {
                continue;
            }
            try {
                FieldSet set = SchemaChanges.reconcile(m.set, at(m.apiVersion).root);
                managers.put(e.getKey(), new Entry(m.manager, m.operation, m.apiVersion, m.time, m.subresource, set));
            } catch (Versions.MissingVersion gone) {
                managers.remove(e.getKey());
            }
        }
    }

    /** A comparison without the ignored fields (SMD's {@code Comparison.ExcludeFields}). */
    private Fields.Comparison compare(JsonNode before, JsonNode after) {
        Fields.Comparison c = Fields.compare(before, after, root);
        if (ignored.isEmpty()) {
            return c;
        }
        return new Fields.Comparison(c.added().recursiveDifference(ignored), c.removed().recursiveDifference(ignored),
                c.modified().recursiveDifference(ignored));
    }

    private static FieldSet stripped() {
        FieldSet s = new FieldSet();
        s.insert(List.of(FieldSet.field("apiVersion")));
        s.insert(List.of(FieldSet.field("kind")));
        s.insert(List.of(FieldSet.field("metadata")));
        for (String f : List.of("name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                "managedFields", "resourceVersion")) {
            s.insert(List.of(FieldSet.field("metadata"), FieldSet.field(f)));
        }
        return s;
    }

    /** One managedFields entry. */
    private record Entry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet set) {
        String identity() {
            return manager + '\0' + operation + '\0' + (operation.equals("Apply") ? "" : apiVersion) + '\0' + subresource;
        }
    }

    /** The entries of an object's managedFields; null when they cannot be decoded (kube then keeps the live ones). */
    private Map<String, Entry> decode(JsonNode object) {
        Map<String, Entry> out = new LinkedHashMap<>();
        JsonNode mf = object == null ? null : object.path("metadata").get("managedFields");
        if (mf == null || mf.isNull()) {
            return out;
        }
        if (!mf.isArray()) {
            return null;
        }
        try {
            for (JsonNode e : mf) {
                Entry entry = new Entry(e.path("manager").asText(""), e.path("operation").asText("Update"), e.path("apiVersion").asText(""),
                        e.hasNonNull("time") ? e.get("time").asText() : null, e.path("subresource").asText(""),
                        FieldSet.fromFieldsV1(e.get("fieldsV1")));
                out.put(entry.identity(), entry);
            }
        } catch (IllegalArgumentException undecodable) {
            return null;
        }
        return out;
    }

    /** kube's reset: managedFields set to a list of one empty entry clears them. */
    private static boolean isReset(JsonNode object) {
        JsonNode mf = object.path("metadata").get("managedFields");
        return mf != null && mf.isArray() && mf.size() == 1 && mf.get(0).isObject() && mf.get(0).isEmpty();
    }

    /** Sets {@code metadata.managedFields} of {@code object} from the entries (stripped, kube's order); none: removed. */
    private static void encode(ObjectNode object, Map<String, Entry> entries) {
        ObjectNode metadata = object.has("metadata") && object.get("metadata").isObject()
                ? (ObjectNode) object.get("metadata") : object.putObject("metadata");
        List<Entry> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            FieldSet set = e.set.difference(STRIPPED);
            if (!set.isEmpty()) {
                list.add(new Entry(e.manager, e.operation, e.apiVersion, e.time, e.subresource, set));
            }
        }
        if (list.isEmpty()) {
            metadata.remove("managedFields");
            return;
        }
        list.sort(Comparator.comparing(Entry::operation).thenComparing(e -> e.time == null ? "" : e.time)
                .thenComparing(Entry::manager).thenComparing(Entry::apiVersion).thenComparing(Entry::subresource));
        ArrayNode out = metadata.putArray("managedFields");
        for (Entry e : list) {
            ObjectNode o = out.addObject();
            o.put("manager", e.manager);
            o.put("operation", e.operation);
            o.put("apiVersion", e.apiVersion);
            if (e.time != null) {
                o.put("time", e.time);
            }
            o.put("fieldsType", "FieldsV1");
            o.set("fieldsV1", e.set.toFieldsV1());
            if (!e.subresource.isEmpty()) {
                o.put("subresource", e.subresource);
            }
        }
    }

    /** A copy of {@code object} without its managed fields. */
    private static ObjectNode withoutManagedFields(JsonNode object) {
        ObjectNode copy = (ObjectNode) object.deepCopy();
        removeManagedFields(copy);
        return copy;
    }

    /**
     * The managed fields of a write that is not an apply: {@code live} is the stored object (null for a
     * create), {@code written} the object about to be stored, changed in place. A request that sets
     * managedFields itself (kubectl's upgrade from client-side apply does) has them kept as given.
     */
    public void update(ObjectNode live, ObjectNode written, String manager, String now) {
        update(live, written, manager, now, "");
    }

    /**
     * {@link #update(ObjectNode, ObjectNode, String, String)} of a write through a subresource
     * ({@code status}, {@code scale}; "" for the resource itself), which its entry names: an object's
     * fields written through {@code /status} are owned by that manager's status entry.
     */
    public void update(ObjectNode live, ObjectNode written, String manager, String now, String subresource) {
        if (isReset(written)) {
            removeManagedFields(written);
            return;
        }
        // the request's own managedFields when it sets some (kubectl's upgrade from client-side apply
        // does), else the stored ones; what cannot be decoded counts as not given
        Map<String, Entry> given = decode(written);
        Map<String, Entry> managers = given != null && !given.isEmpty() ? given : decode(live);
        if (managers == null) {
            managers = new LinkedHashMap<>();
        }
        if (live != null && managers.isEmpty()) {
            // kube tracks an object's fields from its creation or its first apply on, not from an update
            removeManagedFields(written);
            return;
        }
        reconcile(managers);
        Fields.Comparison c = compare(live, written);
        Map<String, Fields.Comparison> byVersion = new HashMap<>(Map.of(apiVersion, c));
        Entry mine = new Entry(manager, "Update", apiVersion, now, subresource, new FieldSet());
        for (Map.Entry<String, Entry> e : new ArrayList<>(managers.entrySet())) {
            Entry m = e.getValue();
            if (m.identity().equals(mine.identity())) {
                mine = m;
                continue;
            }
            Fields.Comparison cm;
            try {
                cm = comparisonAt(m.apiVersion, live, written, byVersion);
            } catch (Versions.MissingVersion gone) {
                managers.remove(e.getKey());
                continue;
            }
            // an update takes what it changes from everyone else (SMD's update with force)
            FieldSet left = m.set.difference(cm.removed()).difference(cm.addedOrModified());
            managers.put(e.getKey(), new Entry(m.manager, m.operation, m.apiVersion, m.time, m.subresource, left));
        }
        if (c.isSame() && managers.containsKey(mine.identity())) {
            // nothing changed: the entries stay as they are (a no-op update stays a no-op)
            encode(written, managers);
            return;
        }
        // SMD's order: what was removed goes first, then what was added or changed comes in (a duplicate that
        // appears is both)
        FieldSet set = mine.set.difference(c.removed()).union(c.addedOrModified());
        // kube's managedFieldsUpdater: the time moves when the write added or changed a field (but
        // metadata's system fields), even one the writer owned already
        boolean changed = !c.addedOrModified().difference(STRIPPED).isEmpty();
        managers.put(mine.identity(), new Entry(manager, "Update", apiVersion, changed ? now : mine.time, subresource, set));
        capUpdateManagers(managers);
        encode(written, managers);
    }

    /**
     * kube's capManagersManager: past {@value #MAX_UPDATE_MANAGERS} Update entries, the oldest (by time,
     * then name) are folded into one {@code ancient-changes} entry per apiVersion, which keeps the time of
     * the newest entry folded in.
     */
    private void capUpdateManagers(Map<String, Entry> managers) {
        List<Entry> updaters = new ArrayList<>();
        for (Entry e : managers.values()) {
            if (e.operation.equals("Update")) {
                updaters.add(e);
            }
        }
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort(Comparator.comparing((Entry e) -> e.time == null ? "" : e.time).thenComparing(Entry::identity));
        Map<String, Entry> firstOfVersion = new LinkedHashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
            Entry e = updaters.get(i);
            Entry bucket = new Entry(ANCIENT_CHANGES, "Update", e.apiVersion, e.time, "", e.set);
            Entry first = firstOfVersion.get(e.apiVersion);
            if (first == null) {
                firstOfVersion.put(e.apiVersion, e);
                continue;
            }
            Entry existing = managers.get(bucket.identity());
            if (existing == null) {
                // the first entry of this version becomes the bucket
                managers.remove(first.identity());
                existing = new Entry(ANCIENT_CHANGES, "Update", first.apiVersion, first.time, "", first.set);
            }
            managers.put(bucket.identity(), new Entry(ANCIENT_CHANGES, "Update", e.apiVersion, e.time, "", existing.set.union(e.set)));
            managers.remove(e.identity());
            length--;
        }
    }

    private static void removeManagedFields(ObjectNode object) {
        if (object.get("metadata") instanceof ObjectNode m) {
            m.remove("managedFields");
        }
    }

    /**
     * Applies {@code config} for {@code manager}: the object to store (with its managed fields), or
     * {@code live} itself when nothing changes. {@code live} is null when the object does not exist.
     *
     * @throws StatusException 409 with kube's apply conflict message and causes
     */
    public ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force, String now) {
        return apply(live, config, manager, force, now, "");
    }

    /** {@link #apply(ObjectNode, ObjectNode, String, boolean, String)} through a subresource, which the applier's entry names. */
    public ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force, String now, String subresource) {
        Map<String, Entry> decoded = live == null ? null : decode(live);
        Map<String, Entry> managers = decoded == null ? new LinkedHashMap<>() : decoded;
        boolean untracked = live != null && managers.isEmpty();
        reconcile(managers);
        ObjectNode liveObject = live == null ? null : withoutManagedFields(live);
        ObjectNode configObject = withoutManagedFields(config);
        if (untracked) {
            // skipNonApplied: an untracked object's fields are first given to before-first-apply
            Entry before = new Entry("before-first-apply", "Update", apiVersion, now, "", Fields.toFieldSet(liveObject, root));
            managers.put(before.identity(), before);
        }
        Entry previous = managers.get(new Entry(manager, "Apply", "", null, subresource, null).identity());
        String duplicate = Fields.duplicate(configObject, root);
        if (duplicate != null) {
            // SMD refuses such a configuration ("failed to create typed patch object"); kube answers it as an
            // internal error, here it is the client's 400
            throw StatusException.badRequest("failed to create typed patch object: " + duplicate);
        }
        FieldSet applied = Fields.toFieldSet(configObject, root).recursiveDifference(ignored);
        ObjectNode merged = (ObjectNode) Fields.merge(liveObject, configObject, root);
        Entry mine = new Entry(manager, "Apply", apiVersion, now, subresource, applied);
        managers.put(mine.identity(), mine);
        if (previous != null) {
            // what the applier set before and sets no more goes, unless someone (the applier too) owns it
            Map<String, FieldSet> owned = new LinkedHashMap<>();
            for (Entry e : managers.values()) {
                owned.merge(e.apiVersion, e.set, FieldSet::union);
            }
            JsonNode pruned = Pruning.prune(this, merged, previous.apiVersion, previous.set, owned);
            merged = pruned instanceof ObjectNode o ? o : MAPPER.createObjectNode();
        }
        Fields.Comparison c = compare(liveObject, merged);
        Map<String, Fields.Comparison> byVersion = new HashMap<>(Map.of(apiVersion, c));
        Map<String, Fields.Comparison> seen = new HashMap<>();
        Map<String, FieldSet> conflicts = new TreeMap<>();
        for (Map.Entry<String, Entry> me : new ArrayList<>(managers.entrySet())) {
            Entry e = me.getValue();
            if (e == mine) {
                continue;
            }
            try {
                seen.put(me.getKey(), comparisonAt(e.apiVersion, liveObject, merged, byVersion));
            } catch (Versions.MissingVersion gone) {
                managers.remove(me.getKey());
                continue;
            }
            FieldSet conflict = e.set.intersection(seen.get(me.getKey()).addedOrModified()).difference(STRIPPED);
            if (!conflict.isEmpty()) {
                conflicts.put(e.identity(), conflict);
            }
        }
        if (!conflicts.isEmpty() && !force) {
            FieldSet allowed = manager.equals("kubectl") ? lastAppliedFields(live) : null;
            boolean allAllowed = allowed != null;
            for (FieldSet conflict : conflicts.values()) {
                allAllowed &= conflict.difference(allowed).isEmpty();
            }
            if (!allAllowed) {
                Map<String, FieldSet> byManager = new LinkedHashMap<>();
                conflicts.forEach((identity, set) -> {
                    Entry m = managers.get(identity);
                    byManager.put(ApplyConflict.describe(m.manager, m.operation, m.apiVersion, m.subresource), set);
                });
                throw ApplyConflict.of(byManager);
            }
        }
        for (Map.Entry<String, Entry> e : new ArrayList<>(managers.entrySet())) {
            Entry m = e.getValue();
            if (m == mine) {
                continue;
            }
            FieldSet left = m.set.difference(seen.get(e.getKey()).removed()).difference(conflicts.getOrDefault(e.getKey(), new FieldSet()));
            managers.put(e.getKey(), new Entry(m.manager, m.operation, m.apiVersion, m.time, m.subresource, left));
        }
        if (manager.equals("kubectl") && live != null && !lastApplied(live).isEmpty()
                && merged.get("metadata") instanceof ObjectNode md && md.get("annotations") instanceof ObjectNode annotations) {
            // kube's lastAppliedUpdater: the annotation follows what kubectl applies
            annotations.put(LAST_APPLIED, lastAppliedValue(config));
        }
        boolean objectChanged = ignored.isEmpty() ? !c.isSame() : !Fields.compare(liveObject, merged, root).isSame();
        if (!objectChanged) {
            // kube's managedFieldsUpdater: an apply that leaves the object as it was keeps the entry's time
            // (an applier new to the object then has none)
            managers.put(mine.identity(), new Entry(manager, "Apply", apiVersion, previous == null ? null : previous.time,
                    subresource, applied));
        }
        encode(merged, managers);
        return merged;
    }

    private static String lastApplied(JsonNode live) {
        return live == null ? "" : live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
    }

    /** The fields of the last-applied configuration: conflicts there are kubectl's own (client-side) changes. */
    private FieldSet lastAppliedFields(JsonNode live) {
        String text = lastApplied(live);
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Fields.toFieldSet(MAPPER.readTree(text), root);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * kube's buildLastApplied: the applied configuration without the annotation itself, encoded as Go
     * encodes an unstructured object (keys sorted, a newline at the end).
     */
    private static String lastAppliedValue(ObjectNode config) {
        ObjectNode copy = withoutManagedFields(config);
        if (copy.path("metadata").path("annotations") instanceof ObjectNode a) {
            a.remove(LAST_APPLIED);
        }
        return sorted(copy).toString() + "\n";
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = MAPPER.createObjectNode();
            java.util.SortedSet<String> names = new java.util.TreeSet<>();
            node.fieldNames().forEachRemaining(names::add);
            names.forEach(k -> out.set(k, sorted(node.get(k))));
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = MAPPER.createArrayNode();
            node.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return node;
    }
}
