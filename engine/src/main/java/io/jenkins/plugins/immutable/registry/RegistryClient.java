package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.ProgressMeter;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>A facade: each operation is done by its own class ({@link Manifests}, {@link Referrers}, {@link Blobs},
 * {@link BlobPushes}, {@link BlobMount}, {@link BlobCopy}, {@link Tags}) over a {@link Remote}, which sends through
 * the {@link Transport}'s layers and checks every answer's status in one place.
 */
public final class RegistryClient {

    private final Remote remote;
    private final Manifests manifests;
    private final Referrers referrers;
    private final Blobs blobs;
    private final BlobPushes pushes;
    private final BlobMount mount;
    private final BlobCopy copy;
    private final Tags tags;

    private RegistryClient(Transport transport) {
        this.remote = new Remote(transport);
        this.manifests = new Manifests(remote);
        this.referrers = new Referrers(remote, manifests);
        this.blobs = new Blobs(remote);
        this.pushes = new BlobPushes(remote, blobs);
        this.mount = new BlobMount(remote);
        this.copy = new BlobCopy(remote);
        this.tags = new Tags(remote);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks that the registry speaks the distribution API and accepts this client's credentials (anonymous access
     * counts when the registry allows it); throws a clear error otherwise.
     */
    public void ping(String registry) {
        remote.exchange(Call.of("GET", remote.uri(registry, "/v2/"), "reach the API of " + registry)
                .auth(registry, List.of()).document(), registry, "answer the API check /v2/", 200);
    }

    // ------------------------------------------------------------------ manifests

    /** Fetches a manifest by tag or digest; by digest, its bytes are verified against the digest. */
    public Manifest getManifest(ImageReference ref) {
        return manifests.get(ref);
    }

    /**
     * Fetches a manifest by tag or digest, or empty when there is none: for a manifest that may well be absent (a
     * signature tag), one GET where asking first with a HEAD makes two requests.
     */
    public Optional<Manifest> findManifest(ImageReference ref) {
        return manifests.find(ref);
    }

    /** The descriptor of a manifest (media type, digest, size) without fetching it, or empty when there is none. */
    public Optional<Descriptor> headManifest(ImageReference ref) {
        return manifests.head(ref);
    }

    /**
     * Resolves a tag to the digest it points at now, once; a pinned reference is returned as it is. Fails with
     * "manifest unknown" when the tag does not exist.
     */
    public ImageReference resolve(ImageReference ref) {
        return manifests.resolve(ref);
    }

    /**
     * Stores a manifest under the reference's tag, or by digest when the reference has no tag; every blob (and, for
     * an index, every manifest) it references must already be in the repository. Returns the reference pinned to
     * the manifest's digest. A manifest with a subject stored on a registry without the referrers API is also added
     * to the subject's tag-schema index, as the OCI distribution spec asks clients to.
     */
    public ImageReference putManifest(ImageReference target, Manifest manifest) {
        return manifests.put(target, manifest, referrers::addToTagSchema);
    }

    /**
     * Deletes a manifest by digest (and with it every tag on it), or a tag where the registry supports deleting
     * tags. Returns false when there was nothing to delete.
     */
    public boolean deleteManifest(ImageReference ref) {
        return manifests.delete(ref);
    }

    // ------------------------------------------------------------------ blobs

    /** The blob's descriptor (as octet-stream) when the repository has it, or empty. */
    public Optional<Descriptor> headBlob(Repository repo, Digest digest) {
        return blobs.head(repo, digest);
    }

    /**
     * Opens a blob for streaming. The stream verifies the bytes while they are read: reading past the descriptor's
     * size, stopping short of it, or ending with other bytes than the digest names throws an INTEGRITY
     * {@link EngineException}. Read it to the end to get that check; close it in any case.
     */
    public InputStream openBlob(Repository repo, Descriptor blob) {
        return blobs.open(repo, blob.digest(), blob.size());
    }

    /** As {@link #openBlob(Repository, Descriptor)}, the size taken from the registry's Content-Length. */
    public InputStream openBlob(Repository repo, Digest digest) {
        return blobs.open(repo, digest, -1);
    }

    /** Reads a small blob (a config, a signature payload) whole, verified; refuses blobs larger than 16 MiB. */
    public byte[] readBlob(Repository repo, Descriptor blob) {
        return blobs.read(repo, blob);
    }

    /**
     * Streams a blob from one registry into another without holding it (see {@link BlobCopy}); a transfer that
     * breaks is started again from both ends. The bytes handed to the upload are counted on {@code meter}, which is
     * finished once the target has the blob.
     */
    void copyBlobAcross(Repository from, Repository to, Descriptor blob, ProgressMeter meter) {
        copy.copy(from, to, blob, meter);
    }

    /** Pushes a blob from memory in one request (monolithic); skipped when the repository already has it. */
    public Descriptor pushBlob(Repository repo, byte[] bytes) {
        return pushes.push(repo, bytes);
    }

    /**
     * Pushes a file in one streamed request (monolithic), reading it once for its digest and once to send;
     * skipped when the repository already has the blob.
     */
    public Descriptor pushBlob(Repository repo, Path file) {
        return pushes.push(repo, file);
    }

    /**
     * Pushes a blob whose digest and size are known from a source that can be opened again, in one streamed request;
     * a failed attempt opens the source again. Skipped when the repository already has it.
     */
    public void pushBlob(Repository repo, Descriptor blob, BlobSource source) {
        pushes.push(repo, blob, source);
    }

    /**
     * Pushes a stream of unknown length in one streamed PATCH (chunked transfer encoding), computing the digest on
     * the way, then commits it. Nothing is buffered; a failure cannot be retried, as the stream is consumed.
     */
    public Descriptor pushBlob(Repository repo, InputStream in) {
        return pushes.push(repo, in);
    }

    /**
     * Pushes a file in chunks of {@code chunkSize} bytes (PATCH with Content-Range, then PUT), for registries or
     * proxies that limit request sizes. A failed chunk is resumed from the offset the registry reports.
     */
    public Descriptor pushBlobChunked(Repository repo, Path file, int chunkSize) {
        return pushes.pushChunked(repo, file, chunkSize);
    }

    /**
     * Pushes a stream in chunks of {@code chunkSize} bytes, holding one chunk in memory at a time, and returns its
     * descriptor. A failure cannot be retried, as the stream is consumed.
     */
    public Descriptor pushBlobChunked(Repository repo, InputStream in, int chunkSize) {
        return pushes.pushChunked(repo, in, chunkSize);
    }

    /**
     * Mounts a blob from another repository of the same registry, so no bytes move. Returns false when the registry
     * did not mount it (it does not have it there, or the credentials may not read the source); then push it.
     */
    public boolean mountBlob(Repository target, Repository from, Digest digest) {
        return mount.mount(target, from, digest);
    }

    // ------------------------------------------------------------------ tags and referrers

    /** Every tag of the repository, following {@code Link} pagination; empty when the repository does not exist. */
    public List<String> listTags(Repository repo) {
        return listTags(repo, 1000);
    }

    /** As {@link #listTags(Repository)}, asking for pages of {@code pageSize} tags. */
    public List<String> listTags(Repository repo, int pageSize) {
        return tags.list(repo, pageSize);
    }

    /**
     * The manifests that name {@code subject} as their subject (signatures, attestations, SBOMs), optionally only
     * those of one artifact type. Uses the OCI 1.1 referrers API; where the registry has none (it answers 404, as
     * Debian's registry 2.8 does), reads the {@code sha256-<hex>} tag-schema index that clients maintain instead.
     */
    public List<Descriptor> referrers(Repository repo, Digest subject, String artifactType) {
        return referrers.list(repo, subject, artifactType);
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
            HttpProxy.checkSchemes(proxies);
            List<HttpProxy> through = List.copyOf(proxies);
            Duration connect = connectTimeout;
            HttpClients http = new HttpClients(() -> {
                HttpClient.Builder b = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(connect);
                return through.isEmpty() ? b : b.proxy(HttpProxy.selector(through));
            }, sslContext);
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
            Transport transport = new Transport(http, new Hosts(insecure, loopbackInsecure), auth, retry,
                    listener, "immutable-delivery/" + (version == null ? "dev" : version), proxies, readTimeout,
                    documentTimeout);
            return new RegistryClient(transport);
        }
    }
}
