package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.SharedEncodings;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.WatchSink;
import io.kapi.core.cache.NonBlocking;

/**
 * The store watches feeding one watch stream, one after the other: a resource's group replaced (a bundle updated,
 * a new version started) moves the client's stream to a store watch of the new version. Only the latest store
 * watch's events reach the stream, and the stream's position (the last change delivered) says where the next one
 * resumes, so the client sees neither a gap nor a repeat.
 */
final class WatchFeeds {
    private final WatchSink stream;
    private final Object lock = new Object();
    private int current; // guarded by lock: the store watch whose events are taken
    private long resumeRevision = -1; // guarded by lock: every change up to it was delivered; -1 while unknown

    WatchFeeds(WatchSink stream) {
        this.stream = stream;
    }

    /**
     * A sink for one more store watch; from now on the stream takes its events only. The store calls
     * {@link WatchSink#progress} once its change feed starts; from then on the stream's position is known.
     */
    WatchSink attach() {
        synchronized (lock) {
            return new Feed(++current);
        }
    }

    /**
     * Stops taking the current store watch's events and returns the revision a new store watch must resume from
     * to miss nothing and repeat nothing; -1 when it is not known (the watch was still sending its initial state).
     */
    long detachForResume() {
        synchronized (lock) {
            current++;
            return resumeRevision;
        }
    }

    /** Non-blocking, as the stream's calls are: they queue a frame and wake the stream's writer. */
    private final class Feed implements WatchSink, NonBlocking {
        private final int id;

        Feed(int id) {
            this.id = id;
        }

        @Override
        public void event(String type, ObjectNode object) {
            synchronized (lock) {
                if (current == id) {
                    noteRevision(object);
                    stream.event(type, object);
                }
            }
        }

        @Override
        public void event(String type, ObjectNode object, SharedEncodings shared) {
            synchronized (lock) {
                if (current == id) {
                    noteRevision(object);
                    stream.event(type, object, shared);
                }
            }
        }

        @Override
        public void progress(long revision) {
            synchronized (lock) {
                if (current == id) {
                    resumeRevision = Math.max(resumeRevision, revision);
                }
            }
        }

        @Override
        public void closed(StatusException error) {
            synchronized (lock) {
                if (current == id) {
                    stream.closed(error);
                }
            }
        }

        /** After the feed started, each event's resourceVersion is where the stream stands (initial ADDEDs carry older ones). */
        private void noteRevision(ObjectNode object) {
            if (resumeRevision >= 0) {
                JsonNode rv = object.path("metadata").get("resourceVersion");
                if (rv != null) {
                    try {
                        resumeRevision = Math.max(resumeRevision, Long.parseLong(rv.asText()));
                    } catch (NumberFormatException e) {
                        // not a store's resourceVersion: the stream's position stays where it was
                    }
                }
            }
        }
    }
}
