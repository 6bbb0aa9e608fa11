package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Reading blobs: whether a repository has one, and its bytes, streamed and verified against the digest. */
final class Blobs {

    /** A blob read whole is a config or a signature payload: larger than this, it is streamed. */
    private static final int MAX_READ_BYTES = 16 * 1024 * 1024;

    private final Remote remote;

    Blobs(Remote remote) {
        this.remote = remote;
    }

    Optional<Descriptor> head(Repository repo, Digest digest) {
        HttpResponse<InputStream> r = remote.send(Call.of("HEAD", remote.blobUri(repo, digest), "check blob "
                + digest).auth(repo.registry(), Remote.pull(repo)).document());
        Responses.discard(r);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        remote.check(r, repo.registry(), "check blob " + digest + " in " + repo, 200);
        long size = r.headers().firstValueAsLong("Content-Length").orElse(0);
        return Optional.of(new Descriptor(MediaTypes.OCTET_STREAM, digest, size));
    }

    /** The blob's bytes as a verifying stream; {@code size} -1 takes it from the registry's Content-Length. */
    InputStream open(Repository repo, Digest digest, long size) {
        String what = "get blob " + digest + " from " + repo;
        HttpResponse<InputStream> r = remote.check(remote.send(Call.of("GET", remote.blobUri(repo, digest), what)
                .auth(repo.registry(), Remote.pull(repo))), repo.registry(), what, 200);
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (size >= 0 && length >= 0 && length != size) {
            Responses.discard(r);
            throw wrongLength(repo, digest, length, size);
        }
        return new VerifyingInputStream(r.body(), digest, size >= 0 ? size : length, repo.toString());
    }

    /** The error for a blob served with another length than its descriptor's: not the image's bytes. */
    static EngineException wrongLength(Repository repo, Digest digest, long served, long described) {
        return EngineException.integrity("registry " + repo.registry() + " serves blob " + digest + " of " + repo
                + " with " + served + " bytes, but its descriptor says " + described + "; do not use this image");
    }

    byte[] read(Repository repo, Descriptor blob) {
        if (blob.size() > MAX_READ_BYTES) {
            throw EngineException.badInput("blob " + blob.digest() + " is " + blob.size() + " bytes; stream it with"
                    + " openBlob instead of reading it whole");
        }
        try (InputStream in = open(repo, blob.digest(), blob.size())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw EngineException.outage("reading blob " + blob.digest() + " from " + repo + " failed: "
                    + e.getMessage(), e);
        }
    }
}
