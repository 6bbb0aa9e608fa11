package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.catalog.Catalog;
import io.jenkins.plugins.immutable.scan.catalog.Cataloger;
import io.jenkins.plugins.immutable.scan.catalog.Warnings;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.FileView;
import io.jenkins.plugins.immutable.scan.layer.Layer;
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

    public Scanner(OsvDatabase database, ProgressListener progress) {
        this(database, DecompressionLimits.DEFAULT, Clock.systemUTC(), progress);
    }

    public Scanner(OsvDatabase database, DecompressionLimits limits, Clock clock, ProgressListener progress) {
        this.database = Objects.requireNonNull(database, "database");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progress = Objects.requireNonNull(progress, "progress");
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
        FileView<Catalog.Found> view = new LayerWalker(limits, progress).walk(layers, collector);
        Catalog catalog = collector.finish(view);
        progress.line("Found " + catalog.packages().size() + " packages" + (catalog.os().isKnown()
                ? " on " + catalog.os() : ""));
        Warnings matchWarnings = new Warnings();
        List<Finding> findings = new VulnerabilityMatcher(database).match(catalog.packages(), catalog.os(),
                matchWarnings);
        Policy.Evaluation evaluation = policy.evaluate(findings, LocalDate.ofInstant(clock.instant(), clock.getZone()));
        List<String> warnings = new ArrayList<>(catalog.warnings());
        warnings.addAll(matchWarnings.lines());
        warnings.addAll(database.info().warnings());
        ScanReport report = new ScanReport(image, digest, catalog.os(), catalog.packages(), evaluation.findings(),
                policy, evaluation.passed(), evaluation.reasons(), evaluation.expired(), warnings, database.info(),
                scannerVersion(), started, clock.instant(), catalog.stats());
        progress.line(report.summary());
        for (String reason : report.reasons()) {
            progress.line("  " + reason);
        }
        return report;
    }

    /** This engine's version, from its jar manifest ({@code dev} when run from classes). */
    public static String scannerVersion() {
        String v = Scanner.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
