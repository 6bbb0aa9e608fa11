package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.ProgressMeter;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A client of the OCI distribution API (and Docker's registry API v2) over {@code java.net.http}: manifests, blobs,
 * mounts, tags. One client talks to any number of registries, each with its own credentials; it is immutable and
 * thread-safe, so share one per job. Blobs are streamed and verified against their digest while read; nothing is
 * buffered whole.
 *
 * <pre>{@code
 * RegistryClient client = RegistryClient.builder()
 *         .credentials("registry.example.com", RegistryCredentials.basic("ci", password))
 *         .insecure("build-cache.internal:5000")       // plain HTTP; loopback registries are insecure by default
 *         .build();
 * Manifest m = client.getManifest(ImageReference.parse("registry.example.com/team/app:1.0"));
 * }</pre>
 */
public final class RegistryClient {

    private static final String ACCEPT_MANIFESTS = String.join(",", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final Transport transport;

    private RegistryClient(Transport transport) {
        this.transport = transport;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ ping

    /**
     * Checks that the registry speaks the distribution API and accepts this client's credentials (anonymous access
     * counts when the registry allows it); throws a clear error otherwise.
     */
    public void ping(String registry) {
        HttpResponse<InputStream> r = send(Call.of("GET", uri(registry, "/v2/"), "reach the API of " + registry)
                .auth(registry, List.of()).document());
        if (r.statusCode() != 200) {
            throw error(r, registry, "answer the API check /v2/");
        }
        Responses.discard(r);
    }

    // ------------------------------------------------------------------ manifests

    /** Fetches a manifest by tag or digest; by digest, its bytes are verified against the digest. */
    public Manifest getManifest(ImageReference ref) {
        String what = "get manifest " + ref;
        HttpResponse<InputStream> r = send(Call.of("GET", manifestUri(ref), what)
                .header("Accept", ACCEPT_MANIFESTS).auth(ref.registry(), pull(ref.repository())).document());
        if (r.statusCode() != 200) {
            throw error(r, ref.registry(), ref.toString());
        }
        String contentType = r.headers().firstValue("Content-Type").orElse(null);
        byte[] bytes = Responses.readSmall(r, MAX_MANIFEST_BYTES, what);
        Digest actual = ref.isPinned() ? Digest.of(ref.digest().algorithm(),
                ref.digest().algorithm().newMessageDigest().digest(bytes)) : Digest.sha256(bytes);
        if (ref.isPinned() && !actual.equals(ref.digest())) {
            throw EngineException.integrity("registry " + ref.registry() + " served a manifest for " + ref
                    + " whose bytes hash to " + actual + "; it is not the image asked for: do not use it");
        }
        return Manifest.parse(bytes, contentType);
    }

    /** The descriptor of a manifest (media type, digest, size) without fetching it, or empty when there is none. */
    public Optional<Descriptor> headManifest(ImageReference ref) {
        HttpResponse<InputStream> r = send(Call.of("HEAD", manifestUri(ref), "check manifest " + ref)
                .header("Accept", ACCEPT_MANIFESTS).auth(ref.registry(), pull(ref.repository())).document());
        Responses.discard(r);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw error(r, ref.registry(), "check manifest " + ref);
        }
        Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
        String mediaType = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse(null);
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (digest.isEmpty() || mediaType == null || size < 0 || !MediaTypes.isManifest(mediaType)) {
            // Some registries leave these out of HEAD answers; the manifest itself tells.
            Manifest m = getManifest(ref);
            return Optional.of(m.descriptor());
        }
        Digest d = Digest.parse(digest.get());
        if (ref.isPinned() && !d.equals(ref.digest())) {
            throw EngineException.integrity("registry " + ref.registry() + " answered for " + ref + " with digest " + d);
        }
        return Optional.of(new Descriptor(mediaType, d, size));
    }

    /**
     * Resolves a tag to the digest it points at now, once; a pinned reference is returned as it is. Fails with
     * "manifest unknown" when the tag does not exist.
     */
    public ImageReference resolve(ImageReference ref) {
        if (ref.isPinned()) {
            return ref;
        }
        Descriptor d = headManifest(ref).orElseThrow(() -> EngineException.badInput("manifest unknown: registry "
                + ref.registry() + " has no image " + ref + "; check the repository and tag"));
        return ref.withDigest(d.digest());
    }

    /**
     * Stores a manifest under the reference's tag, or by digest when the reference has no tag; every blob (and, for
     * an index, every manifest) it references must already be in the repository. Returns the reference pinned to
     * the manifest's digest.
     */
    public ImageReference putManifest(ImageReference target, Manifest manifest) {
        if (target.isPinned() && !target.digest().equals(manifest.digest())) {
            throw EngineException.badInput("cannot store manifest " + manifest.digest() + " as " + target
                    + ": the reference is pinned to another digest");
        }
        String identifier = target.tag() != null ? target.tag() : manifest.digest().toString();
        String what = "put manifest " + target.repository() + ":" + identifier;
        HttpResponse<InputStream> r = send(Call.of("PUT", manifestUri(target.repository(), identifier), what)
                .header("Content-Type", manifest.mediaType())
                .body(Call.Body.of(manifest.bytes()))
                .auth(target.registry(), push(target.repository())).document());
        if (r.statusCode() != 201 && r.statusCode() != 200 && r.statusCode() != 202) {
            throw error(r, target.registry(), what);
        }
        Responses.discard(r);
        if (manifest.subject() != null && r.headers().firstValue("OCI-Subject").isEmpty()) {
            addToReferrersFallback(target.repository(), manifest);
        }
        Optional<String> stored = r.headers().firstValue("Docker-Content-Digest");
        if (stored.isPresent() && Digest.isDigest(stored.get()) && !Digest.parse(stored.get()).equals(manifest.digest())
                && Digest.parse(stored.get()).algorithm() == manifest.digest().algorithm()) {
            throw EngineException.integrity("registry " + target.registry() + " stored the manifest for " + target
                    + " as " + stored.get() + ", not as " + manifest.digest() + "; it rewrote the manifest");
        }
        return target.withDigest(manifest.digest());
    }

    /**
     * Deletes a manifest by digest (and with it every tag on it), or a tag where the registry supports deleting
     * tags. Returns false when there was nothing to delete.
     */
    public boolean deleteManifest(ImageReference ref) {
        String what = "delete manifest " + ref;
        HttpResponse<InputStream> r = send(Call.of("DELETE", manifestUri(ref), what)
                .auth(ref.registry(), List.of(scope(ref.repository(), "delete"), scope(ref.repository(), "pull,push")))
                .document());
        int s = r.statusCode();
        if (s == 202 || s == 200 || s == 204) {
            Responses.discard(r);
            return true;
        }
        if (s == 404) {
            Responses.discard(r);
            return false;
        }
        if (!ref.isPinned() && (s == 400 || s == 405)) {
            Responses.discard(r);
            throw EngineException.badInput("registry " + ref.registry() + " does not delete tags (HTTP " + s + "); to"
                    + " remove " + ref + " delete its digest, which removes the manifest and every tag on it");
        }
        throw error(r, ref.registry(), what);
    }

    // ------------------------------------------------------------------ blobs

    /** The blob's descriptor (as octet-stream) when the repository has it, or empty. */
    public Optional<Descriptor> headBlob(Repository repo, Digest digest) {
        HttpResponse<InputStream> r = send(Call.of("HEAD", blobUri(repo, digest), "check blob " + digest)
                .auth(repo.registry(), pull(repo)).document());
        Responses.discard(r);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw error(r, repo.registry(), "check blob " + digest + " in " + repo);
        }
        long size = r.headers().firstValueAsLong("Content-Length").orElse(0);
        return Optional.of(new Descriptor(MediaTypes.OCTET_STREAM, digest, size));
    }

    /**
     * Opens a blob for streaming. The stream verifies the bytes while they are read: reading past the descriptor's
     * size, stopping short of it, or ending with other bytes than the digest names throws an INTEGRITY
     * {@link EngineException}. Read it to the end to get that check; close it in any case.
     */
    public InputStream openBlob(Repository repo, Descriptor blob) {
        return openBlob(repo, blob.digest(), blob.size());
    }

    /** As {@link #openBlob(Repository, Descriptor)}, the size taken from the registry's Content-Length. */
    public InputStream openBlob(Repository repo, Digest digest) {
        return openBlob(repo, digest, -1);
    }

    private InputStream openBlob(Repository repo, Digest digest, long size) {
        String what = "get blob " + digest + " from " + repo;
        HttpResponse<InputStream> r = send(Call.of("GET", blobUri(repo, digest), what)
                .auth(repo.registry(), pull(repo)));
        if (r.statusCode() != 200) {
            throw error(r, repo.registry(), what);
        }
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (size >= 0 && length >= 0 && length != size) {
            Responses.discard(r);
            throw EngineException.integrity("registry " + repo.registry() + " serves blob " + digest + " of " + repo
                    + " with " + length + " bytes, but its descriptor says " + size + "; do not use this image");
        }
        return new VerifyingInputStream(r.body(), digest, size >= 0 ? size : length, repo.toString());
    }

    /**
     * Streams a blob from one registry into another: the download's buffers are handed to the upload as they arrive,
     * without copying, with the upload's pace throttling the download. The target registry computes the digest of
     * what it receives and refuses a mismatch (INTEGRITY), so the bytes are not hashed here as well. A transfer that
     * breaks is started again from both ends. The bytes handed to the upload are counted on {@code meter}, which
     * is finished once the target has the blob.
     */
    void copyBlobAcross(Repository from, Repository to, Descriptor blob, ProgressMeter meter) {
        RetryPolicy policy = transport.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            try {
                meter.restart();
                copyBlobOnce(from, to, blob, meter);
                meter.finish();
                return;
            } catch (EngineException e) {
                if (!policy.allowsAnother(e, attempt)) {
                    throw e;
                }
                transport.listener().line("copying blob " + blob.digest().shortForm() + " to " + to + " failed ("
                        + e.getMessage() + "); starting it again");
                sleep(policy.backoff(attempt));
            }
        }
    }

    private void copyBlobOnce(Repository from, Repository to, Descriptor blob, ProgressMeter meter) {
        // The upload session first: a target that is down fails before the source sends a byte.
        URI location = startUpload(to);
        String what = "get blob " + blob.digest() + " from " + from;
        HttpResponse<java.util.concurrent.Flow.Publisher<List<java.nio.ByteBuffer>>> r = transport.sendForPublisher(
                Call.of("GET", blobUri(from, blob.digest()), what).auth(from.registry(), pull(from)));
        if (r.statusCode() != 200) {
            throw RegistryErrors.of(r.statusCode(), Responses.readPublisher(r), from.registry(), what,
                    credentials(from.registry()));
        }
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length >= 0 && length != blob.size()) {
            Responses.discardPublisher(r);
            throw EngineException.integrity("registry " + from.registry() + " serves blob " + blob.digest() + " of "
                    + from + " with " + length + " bytes, but its descriptor says " + blob.size()
                    + "; do not use this image");
        }
        java.net.http.HttpRequest.BodyPublisher body = java.net.http.HttpRequest.BodyPublishers.fromPublisher(
                new BufferPipe(r.body(), meter), blob.size());
        Call.Body once = new Call.Body() {
            @Override
            public java.net.http.HttpRequest.BodyPublisher publisher() {
                return body;
            }

            @Override
            public boolean replayable() {
                return false;
            }
        };
        String put = "push blob " + blob.digest().shortForm() + " to " + to + " (streamed from " + from + ")";
        HttpResponse<InputStream> done = send(Call.of("PUT", withDigest(location, blob.digest()), put)
                .header("Content-Type", "application/octet-stream").body(once).auth(to.registry(), push(to)));
        if (done.statusCode() != 201 && done.statusCode() != 204) {
            throw error(done, to.registry(), put);
        }
        Responses.discard(done);
    }

    /** Reads a small blob (a config, a signature payload) whole, verified; refuses blobs larger than 16 MiB. */
    public byte[] readBlob(Repository repo, Descriptor blob) {
        int limit = 16 * 1024 * 1024;
        if (blob.size() > limit) {
            throw EngineException.badInput("blob " + blob.digest() + " is " + blob.size() + " bytes; stream it with"
                    + " openBlob instead of reading it whole");
        }
        try (InputStream in = openBlob(repo, blob)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw EngineException.outage("reading blob " + blob.digest() + " from " + repo + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Pushes a blob from memory in one request (monolithic); skipped when the repository already has it. */
    public Descriptor pushBlob(Repository repo, byte[] bytes) {
        Descriptor d = Descriptor.of(MediaTypes.OCTET_STREAM, bytes);
        if (headBlob(repo, d.digest()).isEmpty()) {
            monolithic(repo, d, Call.Body.of(bytes));
        }
        return d;
    }

    /**
     * Pushes a file in one streamed request (monolithic), reading it once for its digest and once to send;
     * skipped when the repository already has the blob.
     */
    public Descriptor pushBlob(Repository repo, Path file) {
        Descriptor d = describe(file);
        if (headBlob(repo, d.digest()).isEmpty()) {
            monolithic(repo, d, Call.Body.of(file));
        }
        return d;
    }

    /**
     * Pushes a blob whose digest and size are known from a source that can be opened again, in one streamed request;
     * a failed attempt opens the source again. Skipped when the repository already has it.
     */
    public void pushBlob(Repository repo, Descriptor blob, BlobSource source) {
        if (headBlob(repo, blob.digest()).isPresent()) {
            return;
        }
        pushBlobUnchecked(repo, blob, source);
    }

    /** As {@link #pushBlob(Repository, Descriptor, BlobSource)} without first asking whether the blob is there. */
    void pushBlobUnchecked(Repository repo, Descriptor blob, BlobSource source) {
        RetryPolicy policy = transport.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            InputStream in;
            try {
                in = source.open();
            } catch (IOException e) {
                throw EngineException.outage("cannot open the bytes of blob " + blob.digest() + ": " + e.getMessage(), e);
            }
            try (InputStream stream = new EngineToIo(in)) {
                monolithic(repo, blob, Call.Body.once(stream, blob.size()));
                return;
            } catch (EngineException e) {
                if (!policy.allowsAnother(e, attempt)) {
                    throw e;
                }
                transport.listener().line("pushing blob " + blob.digest().shortForm() + " to " + repo + " failed ("
                        + e.getMessage() + "); sending it again");
                sleep(policy.backoff(attempt));
            } catch (IOException e) {
                throw EngineException.outage("closing the source of blob " + blob.digest() + " failed", e);
            }
        }
    }

    /**
     * Pushes a stream of unknown length in one streamed PATCH (chunked transfer encoding), computing the digest on
     * the way, then commits it. Nothing is buffered; a failure cannot be retried, as the stream is consumed.
     */
    public Descriptor pushBlob(Repository repo, InputStream in) {
        URI location = startUpload(repo);
        MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
        long[] count = new long[1];
        InputStream hashing = new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    md.update(b, off, n);
                    count[0] += n;
                }
                return n;
            }
        };
        String what = "upload a blob to " + repo;
        HttpResponse<InputStream> r = send(Call.of("PATCH", location, what)
                .header("Content-Type", "application/octet-stream")
                .body(Call.Body.once(hashing, -1)).auth(repo.registry(), push(repo)));
        if (r.statusCode() != 202 && r.statusCode() != 204) {
            throw error(r, repo.registry(), what);
        }
        Responses.discard(r);
        Descriptor d = new Descriptor(MediaTypes.OCTET_STREAM, Digest.of(Digest.Algorithm.SHA256, md.digest()), count[0]);
        commit(repo, nextLocation(r, location), d);
        return d;
    }

    /**
     * Pushes a file in chunks of {@code chunkSize} bytes (PATCH with Content-Range, then PUT), for registries or
     * proxies that limit request sizes. A failed chunk is resumed from the offset the registry reports.
     */
    public Descriptor pushBlobChunked(Repository repo, Path file, int chunkSize) {
        Descriptor d = describe(file);
        if (headBlob(repo, d.digest()).isPresent()) {
            return d;
        }
        URI location = startUpload(repo);
        long offset = 0;
        int failures = 0;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            while (offset < d.size()) {
                long length = Math.min(chunkSize, d.size() - offset);
                channel.position(offset);
                InputStream slice = new BoundedInputStream(java.nio.channels.Channels.newInputStream(channel), length);
                try {
                    location = patch(repo, location, slice, offset, length);
                    offset += length;
                } catch (EngineException e) {
                    if (!transport.retryPolicy().allowsAnother(e, ++failures)) {
                        throw e;
                    }
                    long confirmed = uploadedSoFar(repo, location);
                    transport.listener().line("chunk at " + offset + " of blob " + d.digest().shortForm()
                            + " failed; resuming at " + confirmed);
                    offset = confirmed;
                }
            }
        } catch (IOException e) {
            throw EngineException.badInput("cannot read " + file + ": " + e.getMessage());
        }
        commit(repo, location, d);
        return d;
    }

    /**
     * Pushes a stream in chunks of {@code chunkSize} bytes, holding one chunk in memory at a time, and returns its
     * descriptor. A failure cannot be retried, as the stream is consumed.
     */
    public Descriptor pushBlobChunked(Repository repo, InputStream in, int chunkSize) {
        URI location = startUpload(repo);
        MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
        byte[] buffer = new byte[chunkSize];
        long offset = 0;
        try {
            while (true) {
                int n = in.readNBytes(buffer, 0, chunkSize);
                if (n == 0) {
                    break;
                }
                md.update(buffer, 0, n);
                location = patch(repo, location, new java.io.ByteArrayInputStream(buffer, 0, n), offset, n);
                offset += n;
                if (n < chunkSize) {
                    break;
                }
            }
        } catch (IOException e) {
            throw EngineException.badInput("cannot read the blob to push to " + repo + ": " + e.getMessage());
        }
        Descriptor d = new Descriptor(MediaTypes.OCTET_STREAM, Digest.of(Digest.Algorithm.SHA256, md.digest()), offset);
        commit(repo, location, d);
        return d;
    }

    /**
     * Mounts a blob from another repository of the same registry, so no bytes move. Returns false when the registry
     * did not mount it (it does not have it there, or the credentials may not read the source); then push it.
     */
    public boolean mountBlob(Repository target, Repository from, Digest digest) {
        if (!target.registry().equals(from.registry())) {
            throw EngineException.badInput("cannot mount " + digest + " from " + from + " into " + target
                    + ": mounts work within one registry; copy the blob instead");
        }
        String what = "mount blob " + digest.shortForm() + " from " + from.path() + " into " + target;
        URI uri = uri(target.registry(), "/v2/" + target.path() + "/blobs/uploads/?mount=" + enc(digest.toString())
                + "&from=" + enc(from.path()));
        List<String> scopes = new ArrayList<>(push(target));
        scopes.add(scope(from, "pull"));
        HttpResponse<InputStream> r = send(Call.of("POST", uri, what).auth(target.registry(), scopes)
                .document());
        Responses.discard(r);
        if (r.statusCode() == 201) {
            return true;
        }
        if (r.statusCode() == 202) {
            // The registry opened an ordinary upload instead; cancel it so it does not linger.
            r.headers().firstValue("Location").ifPresent(loc -> {
                try {
                    Responses.discard(send(Call.of("DELETE", uri.resolve(loc), "cancel upload")
                            .auth(target.registry(), push(target)).document()));
                } catch (EngineException ignored) {
                    // an abandoned upload is cleaned up by the registry's purge
                }
            });
            return false;
        }
        throw error(r, target.registry(), what);
    }

    // ------------------------------------------------------------------ tags

    /** Every tag of the repository, following {@code Link} pagination; empty when the repository does not exist. */
    public List<String> listTags(Repository repo) {
        return listTags(repo, 1000);
    }

    /** As {@link #listTags(Repository)}, asking for pages of {@code pageSize} tags. */
    public List<String> listTags(Repository repo, int pageSize) {
        List<String> tags = new ArrayList<>();
        URI next = uri(repo.registry(), "/v2/" + repo.path() + "/tags/list?n=" + pageSize);
        Set<URI> seen = new HashSet<>();
        while (next != null && seen.add(next)) {
            String what = "list the tags of " + repo;
            HttpResponse<InputStream> r = send(Call.of("GET", next, what).auth(repo.registry(), pull(repo))
                    .document());
            if (r.statusCode() == 404) {
                Responses.discard(r);
                return tags;
            }
            if (r.statusCode() != 200) {
                throw error(r, repo.registry(), what);
            }
            try {
                JsonNode json = Responses.JSON.readTree(Responses.readSmall(r, 16 * 1024 * 1024, what));
                json.path("tags").forEach(t -> tags.add(t.asText()));
            } catch (IOException e) {
                throw EngineException.outage("registry " + repo.registry() + " sent a tag list that is not JSON", e);
            }
            next = r.headers().firstValue("Link").map(LINK_NEXT::matcher).filter(Matcher::find)
                    .map(m -> next(repo.registry(), m.group(1))).orElse(null);
        }
        return tags;
    }

    // ------------------------------------------------------------------ referrers

    /**
     * The manifests that name {@code subject} as their subject (signatures, attestations, SBOMs), optionally only
     * those of one artifact type. Uses the OCI 1.1 referrers API; where the registry has none (it answers 404, as
     * Debian's registry 2.8 does), reads the {@code sha256-<hex>} tag-schema index that clients maintain instead.
     */
    public List<Descriptor> referrers(Repository repo, Digest subject, String artifactType) {
        String what = "list the referrers of " + subject.shortForm() + " in " + repo;
        URI next = uri(repo.registry(), "/v2/" + repo.path() + "/referrers/" + subject
                + (artifactType == null ? "" : "?artifactType=" + enc(artifactType)));
        List<Descriptor> found = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        while (next != null && seen.add(next)) {
            HttpResponse<InputStream> r = send(Call.of("GET", next, what)
                    .header("Accept", MediaTypes.OCI_INDEX).auth(repo.registry(), pull(repo)).document());
            if (r.statusCode() == 404 && found.isEmpty()) {
                Responses.discard(r);
                return referrersFromTagSchema(repo, subject, artifactType);
            }
            if (r.statusCode() != 200) {
                throw error(r, repo.registry(), what);
            }
            Manifest index = Manifest.parse(Responses.readSmall(r, MAX_MANIFEST_BYTES, what), MediaTypes.OCI_INDEX);
            if (!(index instanceof ImageIndex list)) {
                throw EngineException.outage("registry " + repo.registry() + " answered " + what
                        + " with something other than an index", null);
            }
            list.manifests().stream().filter(d -> artifactType == null || artifactType.equals(d.artifactType()))
                    .forEach(found::add);
            next = r.headers().firstValue("Link").map(LINK_NEXT::matcher).filter(Matcher::find)
                    .map(m -> next(repo.registry(), m.group(1))).orElse(null);
        }
        return found;
    }

    private List<Descriptor> referrersFromTagSchema(Repository repo, Digest subject, String artifactType) {
        ImageReference fallback = repo.tag(subject.tagSafe());
        if (headManifest(fallback).isEmpty()) {
            return List.of();
        }
        Manifest m = getManifest(fallback);
        if (!(m instanceof ImageIndex index)) {
            return List.of();
        }
        return index.manifests().stream()
                .filter(d -> artifactType == null || artifactType.equals(d.artifactType())).toList();
    }

    /**
     * After storing a manifest with a subject on a registry without the referrers API (no {@code OCI-Subject} in
     * its answer), adds it to the subject's {@code sha256-<hex>} index, as the OCI distribution spec asks clients to.
     */
    private void addToReferrersFallback(Repository repo, Manifest manifest) {
        Descriptor subject = manifest.subject();
        ImageReference fallback = repo.tag(subject.digest().tagSafe());
        List<Descriptor> existing = new ArrayList<>();
        if (headManifest(fallback).isPresent()) {
            Manifest current = getManifest(fallback);
            if (current instanceof ImageIndex index) {
                existing.addAll(index.manifests());
            }
        }
        if (existing.stream().anyMatch(d -> d.digest().equals(manifest.digest()))) {
            return;
        }
        String artifactType = manifest.artifactType();
        if (artifactType == null && manifest instanceof ImageManifest im) {
            artifactType = im.config().mediaType();
        }
        existing.add(manifest.descriptor().withArtifactType(artifactType).withAnnotations(manifest.annotations()));
        putManifest(fallback, ImageIndex.builder(MediaTypes.OCI_INDEX).manifests(existing).build());
    }

    // ------------------------------------------------------------------ internals

    private URI next(String registry, String link) {
        return uri(registry, "/").resolve(link);
    }

    private Descriptor describe(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Descriptor(MediaTypes.OCTET_STREAM, Digest.sha256(in), Files.size(file));
        } catch (IOException | UncheckedIOException e) {
            throw EngineException.badInput("cannot read " + file + " to push it: " + e.getMessage());
        }
    }

    private URI startUpload(Repository repo) {
        String what = "start an upload to " + repo;
        HttpResponse<InputStream> r = send(Call.of("POST", uri(repo.registry(), "/v2/" + repo.path()
                + "/blobs/uploads/"), what).auth(repo.registry(), push(repo)).document());
        if (r.statusCode() != 202) {
            throw error(r, repo.registry(), what);
        }
        Responses.discard(r);
        URI request = uri(repo.registry(), "/v2/" + repo.path() + "/blobs/uploads/");
        return nextLocation(r, request);
    }

    private static URI nextLocation(HttpResponse<InputStream> r, URI previous) {
        return r.headers().firstValue("Location").map(previous::resolve).orElseThrow(() -> EngineException.outage(
                "the registry opened an upload without saying where (no Location header)", null));
    }

    private void monolithic(Repository repo, Descriptor d, Call.Body body) {
        URI location = startUpload(repo);
        String what = "push blob " + d.digest().shortForm() + " to " + repo;
        HttpResponse<InputStream> r = send(Call.of("PUT", withDigest(location, d.digest()), what)
                .header("Content-Type", "application/octet-stream").body(body).auth(repo.registry(), push(repo)));
        if (r.statusCode() != 201 && r.statusCode() != 204) {
            throw error(r, repo.registry(), what);
        }
        Responses.discard(r);
    }

    private URI patch(Repository repo, URI location, InputStream chunk, long offset, long length) {
        String what = "upload bytes " + offset + "-" + (offset + length - 1) + " to " + repo;
        HttpResponse<InputStream> r = send(Call.of("PATCH", location, what)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + length - 1))
                .body(Call.Body.once(chunk, length)).auth(repo.registry(), push(repo)));
        if (r.statusCode() != 202 && r.statusCode() != 204) {
            throw error(r, repo.registry(), what);
        }
        Responses.discard(r);
        return nextLocation(r, location);
    }

    private long uploadedSoFar(Repository repo, URI location) {
        HttpResponse<InputStream> r = send(Call.of("GET", location, "check an upload to " + repo)
                .auth(repo.registry(), push(repo)).document());
        Responses.discard(r);
        if (r.statusCode() != 204 && r.statusCode() != 200) {
            throw error(r, repo.registry(), "check an upload to " + repo);
        }
        return r.headers().firstValue("Range").map(range -> Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1)
                .orElse(0L);
    }

    private void commit(Repository repo, URI location, Descriptor d) {
        String what = "commit blob " + d.digest().shortForm() + " to " + repo;
        HttpResponse<InputStream> r = send(Call.of("PUT", withDigest(location, d.digest()), what)
                .auth(repo.registry(), push(repo)).document());
        if (r.statusCode() != 201 && r.statusCode() != 204) {
            throw error(r, repo.registry(), what);
        }
        Responses.discard(r);
    }

    private static URI withDigest(URI location, Digest digest) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + enc(digest.toString()));
    }

    /** The error for an unexpected answer, the registry's credentials kept out of what the registry said. */
    private EngineException error(HttpResponse<InputStream> r, String registry, String what) {
        return RegistryErrors.of(r, registry, what, credentials(registry));
    }

    private RegistryCredentials credentials(String registry) {
        return transport.authenticator().credentialsFor(registry);
    }

    private HttpResponse<InputStream> send(Call call) {
        return transport.send(call);
    }

    Transport transport() {
        return transport;
    }

    private URI uri(String registry, String path) {
        return URI.create(transport.hosts().base(registry) + path);
    }

    private URI manifestUri(ImageReference ref) {
        return manifestUri(ref.repository(), ref.identifier());
    }

    private URI manifestUri(Repository repo, String identifier) {
        return uri(repo.registry(), "/v2/" + repo.path() + "/manifests/" + identifier);
    }

    private URI blobUri(Repository repo, Digest digest) {
        return uri(repo.registry(), "/v2/" + repo.path() + "/blobs/" + digest);
    }

    static String scope(Repository repo, String actions) {
        return "repository:" + repo.path() + ":" + actions;
    }

    private static List<String> pull(Repository repo) {
        return List.of(scope(repo, "pull"));
    }

    private static List<String> push(Repository repo) {
        return List.of(scope(repo, "pull,push"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted", e);
        }
    }

    /** Reads at most {@code limit} bytes of a stream, leaving the rest (it does not close the underlying stream). */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() {
            // the channel belongs to the caller
        }
    }

    /**
     * Carries an {@link EngineException} (a digest mismatch in a source stream) through the HTTP client as an
     * IOException, so the client aborts the request; the transport's {@link Retries} unwrap it.
     */
    private static final class EngineToIo extends java.io.FilterInputStream {
        EngineToIo(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (EngineException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (EngineException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** Configures a {@link RegistryClient}. */
    public static final class Builder {
        private final Map<String, RegistryCredentials> credentials = new HashMap<>();
        private final Set<String> insecure = new HashSet<>();
        private boolean loopbackInsecure = true;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private ProgressListener listener = ProgressListener.NONE;
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration documentTimeout = Duration.ofMinutes(2);
        private Path dockerConfig;
        private List<Path> helperPath;
        private final List<HttpProxy> proxies = new ArrayList<>();

        private Builder() {
        }

        /** Credentials for one registry ({@code host[:port]}, {@code docker.io} for Docker Hub). */
        public Builder credentials(String registry, RegistryCredentials creds) {
            credentials.put(registry, creds);
            return this;
        }

        /**
         * Also takes credentials from Docker's config ({@code $DOCKER_CONFIG/config.json} or
         * {@code ~/.docker/config.json}): credential helpers, the credential store and {@code auths} entries, for
         * registries without explicit {@link #credentials}.
         */
        public Builder dockerConfig() {
            return dockerConfig(DockerConfig.defaultLocation());
        }

        /** As {@link #dockerConfig()}, from the given file (a missing file gives no credentials). */
        public Builder dockerConfig(Path configJson) {
            this.dockerConfig = configJson;
            return this;
        }

        /** Where credential helpers are looked for; PATH by default. For tests. */
        Builder credentialHelperPath(List<Path> dirs) {
            this.helperPath = List.copyOf(dirs);
            return this;
        }

        /** Allows plain HTTP to this registry ({@code host[:port]}, or a host for every port). */
        public Builder insecure(String registry) {
            insecure.add(registry);
            return this;
        }

        /** Whether loopback registries (localhost, 127.0.0.0/8, [::1]) speak plain HTTP; true by default. */
        public Builder loopbackInsecure(boolean plainHttpOnLoopback) {
            this.loopbackInsecure = plainHttpOnLoopback;
            return this;
        }

        /** How often to try a request that failed for a reason that may pass, and the first wait (it doubles). */
        public Builder retries(int attempts, Duration initialBackoff) {
            this.retry = new RetryPolicy(attempts, initialBackoff, RetryPolicy.DEFAULT.maxBackoff());
            return this;
        }

        /** Where retries and other notable events are reported. */
        public Builder listener(ProgressListener progressListener) {
            this.listener = progressListener;
            return this;
        }

        /** Trust material for registries with certificates from a private CA; the JVM's defaults otherwise. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long a request may go without progress: a server that sends no answer, or fewer than 1 KiB of an
         * answer (or takes in fewer than 1 KiB of a request body), for this long fails the request as an OUTAGE
         * naming the server and what it was asked, and the request is not tried again. Counting a kilobyte rather
         * than a byte is what bounds a blob trickled at 1 byte/s. 60 s by default.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * How long a small document (a manifest, a token, a tag list, a referrers index, the answer to a check or a
         * commit) may take to arrive whole, from sending its request to its last byte, however steadily it trickles.
         * Blobs, which may be large, have no such limit, only the {@link #readTimeout}. 2 min by default.
         */
        public Builder documentTimeout(Duration timeout) {
            this.documentTimeout = positive(timeout, "documentTimeout");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
            }
            return d;
        }

        /**
         * Sends requests (to registries and their token services) through this proxy, except to the hosts it exempts
         * and for the schemes it does not serve. Call once more with a proxy for the other scheme when http and https
         * use different ones; without any, the JVM's default ProxySelector decides, as before.
         */
        public Builder proxy(HttpProxy httpProxy) {
            proxies.add(Objects.requireNonNull(httpProxy, "httpProxy"));
            return this;
        }

        public RegistryClient build() {
            HttpClient.Builder http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(connectTimeout);
            if (sslContext != null) {
                http.sslContext(sslContext);
            }
            HttpProxy.checkSchemes(proxies);
            if (!proxies.isEmpty()) {
                http.proxy(HttpProxy.selector(proxies));
            }
            Map<String, RegistryCredentials> creds = Map.copyOf(credentials);
            DockerConfig docker = dockerConfig == null ? null
                    : DockerConfig.load(dockerConfig, helperPath != null ? helperPath : DockerConfig.systemPath());
            Authenticator auth = new Authenticator(registry -> {
                RegistryCredentials explicit = creds.get(registry);
                if (explicit != null) {
                    return explicit;
                }
                return docker == null ? RegistryCredentials.anonymous()
                        : docker.lookup(registry).orElse(RegistryCredentials.anonymous());
            });
            String version = RegistryClient.class.getPackage().getImplementationVersion();
            Transport transport = new Transport(http.build(), new Hosts(insecure, loopbackInsecure), auth, retry,
                    listener, "immutable-delivery/" + (version == null ? "dev" : version), proxies, readTimeout,
                    documentTimeout);
            return new RegistryClient(transport);
        }
    }
}
