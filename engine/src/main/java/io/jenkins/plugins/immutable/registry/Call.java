package io.jenkins.plugins.immutable.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request as an operation asks for it: method, URI, headers, body, the registry it authenticates to (null: none,
 * e.g. a token service) with the scopes it needs, what it does, for messages, and whether its answer is a small
 * document (a manifest, a token, JSON), which the overall document timeout bounds as well as the read timeout.
 */
record Call(String method, URI uri, Map<String, String> headers, Body body, String registry, List<String> scopes,
            String what, boolean smallDocument) {

    /** A request body that can be sent again on a retry, or only once. */
    interface Body {
        HttpRequest.BodyPublisher publisher() throws IOException;

        boolean replayable();

        Body NONE = replayable(HttpRequest.BodyPublishers::noBody);

        static Body of(byte[] bytes) {
            return replayable(() -> HttpRequest.BodyPublishers.ofByteArray(bytes));
        }

        static Body of(Path file) {
            return replayable(() -> HttpRequest.BodyPublishers.ofFile(file));
        }

        /** A body read once from a stream; length -1 sends it chunked. */
        static Body once(InputStream in, long length) {
            HttpRequest.BodyPublisher p = HttpRequest.BodyPublishers.ofInputStream(() -> in);
            return once(length < 0 ? p : HttpRequest.BodyPublishers.fromPublisher(p, length));
        }

        /** A body that is sent once, as the given publisher: its bytes cannot be had again. */
        static Body once(HttpRequest.BodyPublisher publisher) {
            return new Body() {
                private boolean used;

                @Override
                public synchronized HttpRequest.BodyPublisher publisher() {
                    if (used) {
                        throw new IllegalStateException("a stream body is sent once");
                    }
                    used = true;
                    return publisher;
                }

                @Override
                public boolean replayable() {
                    return false;
                }
            };
        }

        private static Body replayable(Publishers publishers) {
            return new Body() {
                @Override
                public HttpRequest.BodyPublisher publisher() throws IOException {
                    return publishers.next();
                }

                @Override
                public boolean replayable() {
                    return true;
                }
            };
        }

        /** A fresh publisher of the same bytes for each attempt. */
        @FunctionalInterface
        interface Publishers {
            HttpRequest.BodyPublisher next() throws IOException;
        }
    }

    static Call of(String method, URI uri, String what) {
        return new Call(method, uri, Map.of(), Body.NONE, null, List.of(), what, false);
    }

    Call header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Call(method, uri, h, body, registry, scopes, what, smallDocument);
    }

    Call body(Body b) {
        return new Call(method, uri, headers, b, registry, scopes, what, smallDocument);
    }

    Call auth(String reg, List<String> sc) {
        return new Call(method, uri, headers, body, reg, List.copyOf(sc), what, smallDocument);
    }

    /** Marks the answer as a small document, to arrive whole within the document timeout. */
    Call document() {
        return new Call(method, uri, headers, body, registry, scopes, what, true);
    }
}
