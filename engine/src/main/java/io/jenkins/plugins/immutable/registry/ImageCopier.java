package io.jenkins.plugins.immutable.registry;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies an image by digest from one repository to another: a manifest or a whole index with every platform, and
 * every blob they reference. Within one registry blobs are mounted, so no bytes move; across registries they are
 * streamed from source to target, several at a time, each through a fixed-size buffer, never whole in memory or on
 * disk. Blobs the target already has are not sent again, so re-running an interrupted copy finishes it. Manifests
 * are stored by digest first and the target tag is written last, after everything it points at (attachments
 * included) is in place, so a reader never sees a tag on an incomplete image.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return configured copies.
 */
public final class ImageCopier {

    /** cosign's tag-schema attachments: {@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}. */
    static final List<String> COSIGN_SUFFIXES = List.of(".sig", ".att", ".sbom");
    private static final int MAX_ATTACHMENT_DEPTH = 3;

    private final RegistryClient client;
    private final boolean attachments;
    private final int parallelism;
    private final ProgressListener listener;

    public ImageCopier(RegistryClient client) {
        this(client, false, 6, ProgressListener.NONE);
    }

    private ImageCopier(RegistryClient client, boolean attachments, int parallelism, ProgressListener listener) {
        this.client = client;
        this.attachments = attachments;
        this.parallelism = parallelism;
        this.listener = listener;
    }

    /**
     * Also copies what is attached to the image's digest: cosign's {@code sha256-<hex>.sig/.att/.sbom} tags and the
     * OCI referrers (signatures, attestations, SBOMs), and what is attached to those in turn.
     */
    public ImageCopier withAttachments(boolean copyAttachments) {
        return new ImageCopier(client, copyAttachments, parallelism, listener);
    }

    /** How many blobs move at the same time (6 by default, as skopeo). */
    public ImageCopier withParallelism(int blobsAtOnce) {
        if (blobsAtOnce < 1) {
            throw EngineException.badInput("parallelism must be at least 1");
        }
        return new ImageCopier(client, attachments, blobsAtOnce, listener);
    }

    public ImageCopier withListener(ProgressListener progressListener) {
        return new ImageCopier(client, attachments, parallelism, progressListener);
    }

    /**
     * Copies the source image to the target repository and, if the target has a tag, points that tag at it last. A
     * source tag is resolved to its digest once, up front, and the log says so. A pinned target must name the same
     * digest.
     */
    public CopyResult copy(ImageReference source, ImageReference target) {
        // One GET by tag both resolves the tag and fetches the manifest: the digest is that of these bytes.
        Manifest top = client.getManifest(source);
        ImageReference pinned = source.withDigest(top.digest());
        if (!source.isPinned()) {
            listener.line("resolved " + source + " to " + pinned.digest() + "; copying that digest");
        }
        if (target.isPinned() && !target.digest().equals(pinned.digest())) {
            throw EngineException.badInput("the target " + target + " is pinned to " + target.digest() + " but the"
                    + " source is " + pinned.digest() + "; give the target a tag, or the source's digest");
        }
        Stats stats = new Stats();
        Repository from = source.repository();
        Repository to = target.repository();
        // With a tag and nothing to attach, storing under the tag is the last write and stores the manifest too.
        boolean tagOnly = target.tag() != null && !attachments;
        copyManifestTree(from, to, top, stats, !tagOnly);
        List<ImageReference> attached = new ArrayList<>();
        if (attachments) {
            copyAttachments(from, to, top.digest(), stats, attached, 1);
        }
        ImageReference result = to.digest(top.digest());
        if (target.tag() != null) {
            result = client.putManifest(to.tag(target.tag()), top);
            if (tagOnly) {
                stats.manifests.incrementAndGet();
            }
            listener.line("tagged " + to + ":" + target.tag() + " -> " + top.digest());
        }
        return new CopyResult(pinned, result, stats.manifests.get(), stats.mounted.get(), stats.copied.get(),
                stats.present.get(), stats.bytes.get(), attached);
    }

    private static final class Stats {
        final AtomicInteger manifests = new AtomicInteger();
        final AtomicInteger mounted = new AtomicInteger();
        final AtomicInteger copied = new AtomicInteger();
        final AtomicInteger present = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
    }

    /** Copies the manifest with this digest, its child manifests and all their blobs; stores them by digest. */
    private Manifest copyManifestTree(Repository from, Repository to, Digest digest, Stats stats) {
        Manifest top = client.getManifest(from.digest(digest));
        copyManifestTree(from, to, top, stats, true);
        return top;
    }

    private void copyManifestTree(Repository from, Repository to, Manifest top, Stats stats, boolean storeTop) {
        Map<Digest, Manifest> manifests = new LinkedHashMap<>();
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        collect(from, top, manifests, blobs, 0);
        copyBlobs(from, to, new ArrayList<>(blobs.values()), stats);
        // Children before parents: a registry checks that an index's manifests exist.
        for (Manifest m : manifests.values()) {
            if (m != top || storeTop) {
                client.putManifest(to.digest(m.digest()), m);
                stats.manifests.incrementAndGet();
            }
        }
    }

    private void collect(Repository from, Manifest m, Map<Digest, Manifest> manifests,
                         Map<Digest, Descriptor> blobs, int depth) {
        if (depth > 4) {
            throw EngineException.badInput("the index " + m.digest() + " in " + from + " nests more than 4 levels deep");
        }
        if (m instanceof ImageIndex index) {
            for (Descriptor child : index.manifests()) {
                if (!manifests.containsKey(child.digest())) {
                    collect(from, client.getManifest(from.digest(child.digest())), manifests, blobs, depth + 1);
                }
            }
        } else if (m instanceof ImageManifest image) {
            for (Descriptor blob : image.blobs()) {
                if (MediaTypes.isNonDistributable(blob.mediaType()) && !blob.urls().isEmpty()) {
                    continue; // its bytes live at its URLs, not in the registry
                }
                blobs.putIfAbsent(blob.digest(), blob);
            }
        }
        manifests.put(m.digest(), m);
    }

    private void copyBlobs(Repository from, Repository to, List<Descriptor> blobs, Stats stats) {
        if (blobs.isEmpty()) {
            return;
        }
        // Largest first, so the long transfers start early and the small ones fill in around them.
        blobs.sort(Comparator.comparingLong(Descriptor::size).reversed());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, blobs.size()), r -> {
            Thread t = new Thread(r, "image-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Descriptor blob : blobs) {
                futures.add(pool.submit(() -> copyBlob(from, to, blob, stats)));
            }
            EngineException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof EngineException ee ? ee
                                : EngineException.outage("copying a blob failed: " + e.getCause(), e.getCause());
                        futures.forEach(other -> other.cancel(true));
                    }
                } catch (java.util.concurrent.CancellationException cancelled) {
                    // cancelled after another blob failed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(other -> other.cancel(true));
                    throw EngineException.outage("interrupted while copying " + from + " to " + to, e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void copyBlob(Repository from, Repository to, Descriptor blob, Stats stats) {
        String name = blob.digest().shortForm() + " (" + blob.size() + " bytes)";
        // Within a registry a mount is one request and idempotent: no need to ask first whether the target has it.
        if (from.registry().equals(to.registry()) && client.mountBlob(to, from, blob.digest())) {
            stats.mounted.incrementAndGet();
            listener.line("mounted " + name);
            return;
        }
        if (client.headBlob(to, blob.digest()).isPresent()) {
            stats.present.incrementAndGet();
            listener.line("present " + name);
            return;
        }
        client.copyBlobAcross(from, to, blob, ProgressMeter.of(listener, "copy " + blob.digest().shortForm(),
                blob.size()));
        stats.copied.incrementAndGet();
        stats.bytes.addAndGet(blob.size());
        listener.line("copied " + name);
    }

    private void copyAttachments(Repository from, Repository to, Digest subject, Stats stats,
                                 List<ImageReference> attached, int depth) {
        for (String suffix : COSIGN_SUFFIXES) {
            ImageReference tag = from.tag(subject.tagSafe() + suffix);
            if (client.headManifest(tag).isPresent()) {
                Manifest m = copyManifestTree(from, to, client.resolve(tag).digest(), stats);
                ImageReference stored = client.putManifest(to.tag(tag.tag()), m);
                attached.add(stored);
                listener.line("copied attachment " + tag.tag());
            }
        }
        for (Descriptor referrer : client.referrers(from, subject, null)) {
            Manifest m = copyManifestTree(from, to, referrer.digest(), stats);
            attached.add(to.digest(m.digest()));
            listener.line("copied referrer " + referrer.digest().shortForm()
                    + (referrer.artifactType() == null ? "" : " (" + referrer.artifactType() + ")"));
            if (depth < MAX_ATTACHMENT_DEPTH) {
                copyAttachments(from, to, referrer.digest(), stats, attached, depth + 1);
            }
        }
    }
}
