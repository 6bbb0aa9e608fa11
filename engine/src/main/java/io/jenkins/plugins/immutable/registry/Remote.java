package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every remote operation ({@link Manifests}, {@link Blobs}, {@link Upload}, {@link Tags}, ...) shares: the
 * {@link Transport} that sends its requests, where a registry's API is, the token scopes an operation asks for, and
 * the one check of an answer's status, which turns every status an operation does not expect into the registry's
 * error ({@link RegistryErrors}) with the registry's credentials kept out of it. Thread-safe.
 */
final class Remote {

    /** A manifest (or an index, or a referrers list) larger than this is not what a registry serves. */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final Transport transport;

    Remote(Transport transport) {
        this.transport = transport;
    }

    HttpResponse<InputStream> send(Call call) {
        return transport.send(call);
    }

    HttpResponse<Flow.Publisher<List<ByteBuffer>>> sendForPublisher(Call call) {
        return transport.sendForPublisher(call);
    }

    /**
     * Sends the call and checks that the answer's status is one of {@code expected}, then drops its body: for answers
     * whose status and headers say all (an upload's next Location, a stored manifest's digest).
     */
    HttpResponse<InputStream> exchange(Call call, String registry, String what, int... expected) {
        HttpResponse<InputStream> r = check(send(call), registry, what, expected);
        Responses.discard(r);
        return r;
    }

    /**
     * The answer, when its status is one of {@code expected}; otherwise the registry's error for {@code what} (e.g.
     * "get manifest r/a:1") on {@code registry} is thrown, what the registry said read from the body.
     */
    HttpResponse<InputStream> check(HttpResponse<InputStream> r, String registry, String what, int... expected) {
        RegistryErrors.check(r, registry, what, () -> credentials(registry), expected);
        return r;
    }

    /** As {@link #check}, for an answer read as a flow of buffers. */
    void checkFlow(HttpResponse<Flow.Publisher<List<ByteBuffer>>> r, String registry, String what, int... expected) {
        RegistryErrors.checkFlow(r, registry, what, () -> credentials(registry), expected);
    }

    private RegistryCredentials credentials(String registry) {
        return transport.authenticator().credentialsFor(registry);
    }

    RetryPolicy retryPolicy() {
        return transport.retryPolicy();
    }

    /** Where retries and other notable events are told. */
    void tell(String line) {
        transport.listener().line(line);
    }

    // ------------------------------------------------------------------ where things are

    URI uri(String registry, String path) {
        return URI.create(transport.hosts().base(registry) + path);
    }

    URI manifestUri(Repository repo, String identifier) {
        return uri(repo.registry(), "/v2/" + repo.path() + "/manifests/" + identifier);
    }

    URI blobUri(Repository repo, Digest digest) {
        return uri(repo.registry(), "/v2/" + repo.path() + "/blobs/" + digest);
    }

    URI uploadsUri(Repository repo) {
        return uri(repo.registry(), "/v2/" + repo.path() + "/blobs/uploads/");
    }

    /** The next page of a paginated list, from the answer's {@code Link: <...>; rel="next"}, or null on the last. */
    URI nextPage(String registry, HttpResponse<?> r) {
        return r.headers().firstValue("Link").map(LINK_NEXT::matcher).filter(Matcher::find)
                .map(m -> uri(registry, "/").resolve(m.group(1))).orElse(null);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ what a token is asked for

    static String scope(Repository repo, String actions) {
        return "repository:" + repo.path() + ":" + actions;
    }

    static List<String> pull(Repository repo) {
        return List.of(scope(repo, "pull"));
    }

    static List<String> push(Repository repo) {
        return List.of(scope(repo, "pull,push"));
    }
}
