package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.scan.catalog.Catalog;
import io.jenkins.plugins.immutable.scan.catalog.Cataloger;
import io.jenkins.plugins.immutable.scan.catalog.Warnings;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.FileView;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.layer.LayerCache;
import io.jenkins.plugins.immutable.scan.layer.LayerWalker;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scans an image: reads its layers once into the final file view, catalogs its packages, matches them against the
 * OSV database and applies the policy. The entry point for the CLI, the plugin and promotion gates.
 */
public final class Scanner {

    private final OsvDatabase database;
    private final DecompressionLimits limits;
    private final Clock clock;
    private final ProgressListener progress;
    private final LayerCache<Catalog.Found> layerCache;

    public Scanner(OsvDatabase database, ProgressListener progress) {
        this(database, DecompressionLimits.DEFAULT, Clock.systemUTC(), progress);
    }

    public Scanner(OsvDatabase database, DecompressionLimits limits, Clock clock, ProgressListener progress) {
        this(database, limits, clock, progress, null);
    }

    private Scanner(OsvDatabase database, DecompressionLimits limits, Clock clock, ProgressListener progress,
            LayerCache<Catalog.Found> layerCache) {
        this.database = Objects.requireNonNull(database, "database");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.layerCache = layerCache;
    }

    /**
     * This scanner, reading each layer once for all the scans made with it and the same cache: a layer another scan
     * already read (by its digest) is replayed from the cache. For one run over many images (a re-scan); start a new
     * cache for the next run, so that every run reads what the registry holds then.
     */
    public Scanner withLayerCache(LayerCache<Catalog.Found> cache) {
        return new Scanner(database, limits, clock, progress, Objects.requireNonNull(cache, "cache"));
    }

    /** The same scanner reporting to another listener (keeping its layer cache, if any). */
    public Scanner withProgress(ProgressListener listener) {
        return new Scanner(database, limits, clock, listener, layerCache);
    }

    /** The vulnerability database this scanner matches against. */
    public OsvDatabase database() {
        return database;
    }

    /**
     * Scans layers (base first) under a policy.
     *
     * @param image how the report names the image
     * @param digest the image's manifest digest, null when unknown
     */
    public ScanReport scan(String image, String digest, List<Layer> layers, Policy policy) {
        Instant started = clock.instant();
        progress.line("Scanning " + image + " (" + layers.size() + " layers)");
        Catalog.Collector collector = new Catalog.Collector(Cataloger.all());
        FileView<Catalog.Found> view = new LayerWalker(limits, progress).walk(layers, collector,
                layerCache);
        Catalog catalog = collector.finish(view);
        progress.line("Found " + catalog.packages().size() + " packages" + (catalog.os().isKnown()
                ? " on " + catalog.os() : ""));
        Warnings matchWarnings = new Warnings();
        List<Finding> findings = new VulnerabilityMatcher(database).match(catalog.packages(), catalog.os(),
                matchWarnings);
        Policy.Evaluation evaluation = policy.evaluate(findings, catalog.skipped(),
                LocalDate.ofInstant(clock.instant(), clock.getZone()));
        List<String> warnings = new ArrayList<>(catalog.warnings());
        warnings.addAll(matchWarnings.lines());
        warnings.addAll(database.info().warnings());
        ScanReport report = new ScanReport(image, digest, catalog.os(), catalog.packages(), evaluation.findings(),
                policy, evaluation.passed(), evaluation.reasons(), evaluation.expired(), warnings, database.info(),
                scannerVersion(), started, clock.instant(), catalog.stats(), catalog.skipped(), evaluation.verdict());
        progress.line(report.summary());
        for (var skipped : report.skipped()) {
            progress.line("  not read: " + skipped);
        }
        for (String reason : report.reasons()) {
            progress.line("  " + reason);
        }
        return report;
    }

    /**
     * Scans an image in a registry: resolves the reference to a digest (once, so the report names exactly what was
     * scanned), picks the platform's manifest from an index, and streams each layer blob through the scan, verified
     * against its digest as it is read. Nothing is written to disk.
     *
     * @param platform the platform to scan in a multi-platform image; null for the agent's own (linux/amd64 or
     *     linux/arm64), or the only one
     */
    public ScanReport scan(RegistryClient client, ImageReference reference, Platform platform, Policy policy) {
        ImageReference pinned = client.resolve(reference);
        Manifest manifest = client.getManifest(pinned);
        if (manifest instanceof ImageIndex index) {
            Descriptor chosen = choosePlatform(index, platform, pinned);
            progress.line("Using the " + chosen.platform() + " image " + chosen.digest().shortForm() + " of " + pinned);
            manifest = client.getManifest(pinned.withDigest(chosen.digest()));
        }
        if (!(manifest instanceof ImageManifest image) || !isImageConfig(image.config().mediaType())) {
            throw EngineException.badInput(pinned + " is not a container image (its config is "
                    + (manifest instanceof ImageManifest m ? m.config().mediaType() : manifest.mediaType())
                    + "); scan the image itself, not a signature, attestation or other artifact");
        }
        Repository repository = pinned.repository();
        List<Layer> layers = new ArrayList<>();
        for (Descriptor d : image.layers()) {
            if (MediaTypes.isNonDistributable(d.mediaType()) && !d.urls().isEmpty()) {
                throw EngineException.badInput(pinned + " has a foreign layer " + d.digest().shortForm() + " ("
                        + d.mediaType() + ") that is not in the registry; Windows base layers cannot be scanned");
            }
            layers.add(new Layer(d.digest().toString(), d.mediaType(), d.size(), () -> client.openBlob(repository, d)));
        }
        return scan(pinned.toString(), pinned.digest().toString(), layers, policy);
    }

    private static boolean isImageConfig(String mediaType) {
        return MediaTypes.OCI_CONFIG.equals(mediaType) || MediaTypes.DOCKER_CONFIG.equals(mediaType);
    }

    private static Descriptor choosePlatform(ImageIndex index, Platform wanted, ImageReference ref) {
        List<Descriptor> images = index.manifests().stream()
                .filter(d -> d.platform() != null && !"unknown".equals(d.platform().os()))
                .toList();
        if (images.size() == 1 && wanted == null) {
            return images.get(0);
        }
        Platform target = wanted != null ? wanted : agentPlatform();
        for (Descriptor d : images) {
            Platform p = d.platform();
            if (p.os().equals(target.os()) && p.architecture().equals(target.architecture())
                    && (target.variant() == null || target.variant().equals(p.variant()))) {
                return d;
            }
        }
        throw EngineException.badInput(ref + " has no " + target + " image; it has "
                + images.stream().map(d -> d.platform().toString()).distinct().toList()
                + ". Choose one of those platforms for the scan");
    }

    /** The platform of this JVM, as OCI names it. */
    static Platform agentPlatform() {
        String arch = System.getProperty("os.arch", "amd64");
        return new Platform("linux", switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            default -> arch;
        });
    }

    /** This engine's version, from its jar manifest ({@code dev} when run from classes). */
    public static String scannerVersion() {
        String v = Scanner.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
