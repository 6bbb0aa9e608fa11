package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * One blob upload session of the distribution API: opened with a POST, fed in one PUT (monolithic) or in PATCHes
 * (streamed or in chunks), and closed by a PUT that names the blob's digest, which the registry checks. The registry
 * says after each step where the next one goes; a session is used by one thread at a time.
 */
final class Upload {

    private final Remote remote;
    private final Repository repo;
    private URI location;

    private Upload(Remote remote, Repository repo, URI location) {
        this.remote = remote;
        this.repo = repo;
        this.location = location;
    }

    /** Opens a session in the repository. */
    static Upload start(Remote remote, Repository repo) {
        String what = "start an upload to " + repo;
        URI uploads = remote.uploadsUri(repo);
        HttpResponse<InputStream> r = remote.exchange(Call.of("POST", uploads, what)
                .auth(repo.registry(), Remote.push(repo)).document(), repo.registry(), what, 202);
        return new Upload(remote, repo, next(r, uploads));
    }

    /** Sends the whole blob in the closing PUT; {@code what} says what it is, for messages. */
    void putWhole(Descriptor blob, Call.Body body, String what) {
        remote.exchange(Call.of("PUT", withDigest(location, blob.digest()), what)
                .header("Content-Type", "application/octet-stream").body(body)
                .auth(repo.registry(), Remote.push(repo)), repo.registry(), what, 201, 204);
    }

    /** Appends a stream of unknown length in one PATCH, sent chunked. */
    void patch(InputStream stream) {
        String what = "upload a blob to " + repo;
        HttpResponse<InputStream> r = remote.exchange(Call.of("PATCH", location, what)
                .header("Content-Type", "application/octet-stream")
                .body(Call.Body.once(stream, -1)).auth(repo.registry(), Remote.push(repo)), repo.registry(), what,
                202, 204);
        location = next(r, location);
    }

    /** Appends {@code length} bytes at {@code offset} in one PATCH with their Content-Range. */
    void patch(InputStream chunk, long offset, long length) {
        String what = "upload bytes " + offset + "-" + (offset + length - 1) + " to " + repo;
        HttpResponse<InputStream> r = remote.exchange(Call.of("PATCH", location, what)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + length - 1))
                .body(Call.Body.once(chunk, length)).auth(repo.registry(), Remote.push(repo)), repo.registry(), what,
                202, 204);
        location = next(r, location);
    }

    /** How many bytes the registry has so far, from the Range of the session's status: where to resume. */
    long confirmed() {
        String what = "check an upload to " + repo;
        HttpResponse<InputStream> r = remote.send(Call.of("GET", location, what)
                .auth(repo.registry(), Remote.push(repo)).document());
        Responses.discard(r);
        remote.check(r, repo.registry(), what, 204, 200);
        return r.headers().firstValue("Range").map(range -> Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1)
                .orElse(0L);
    }

    /** Closes the session after the PATCHes: the registry checks that what it got is {@code blob}. */
    void commit(Descriptor blob) {
        String what = "commit blob " + blob.digest().shortForm() + " to " + repo;
        remote.exchange(Call.of("PUT", withDigest(location, blob.digest()), what)
                .auth(repo.registry(), Remote.push(repo)).document(), repo.registry(), what, 201, 204);
    }

    private static URI withDigest(URI location, Digest digest) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + Remote.enc(digest.toString()));
    }

    private static URI next(HttpResponse<InputStream> r, URI previous) {
        return r.headers().firstValue("Location").map(previous::resolve).orElseThrow(() -> EngineException.outage(
                "the registry opened an upload without saying where (no Location header)", null));
    }
}
