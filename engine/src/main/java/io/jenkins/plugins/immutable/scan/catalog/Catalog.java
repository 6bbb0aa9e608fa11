package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.FileCollector;
import io.jenkins.plugins.immutable.scan.layer.FileView;
import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import io.jenkins.plugins.immutable.scan.layer.LayerStats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The inventory of an image: the catalogers' packages as the final file view has them (a package whose file a later
 * layer deleted or replaced is gone), the OS release, lesser warnings, and what was skipped (which makes a scan
 * incomplete).
 */
public record Catalog(OsRelease os, List<InstalledPackage> packages, List<String> warnings, List<Skipped> skipped,
        LayerStats stats) {

    private static final List<String> OS_RELEASE = List.of("etc/os-release", "usr/lib/os-release");
    private static final int MAX_OS_RELEASE = 64 * 1024;

    public Catalog {
        packages = List.copyOf(packages);
        warnings = List.copyOf(warnings);
        skipped = List.copyOf(skipped);
    }

    /**
     * What one wanted file became: packages (and what in the file was skipped and the warnings reading it gave, kept
     * with the file so that a later layer replacing or deleting it drops them too, and so that a layer replayed from
     * a {@link io.jenkins.plugins.immutable.scan.layer.LayerCache} brings them along), or the text of an os-release
     * file.
     */
    public sealed interface Found permits Found.Packages, Found.Text {
        record Packages(List<InstalledPackage> packages, List<Skipped> skipped, List<String> warnings)
                implements Found {
            public Packages {
                packages = List.copyOf(packages);
                skipped = List.copyOf(skipped);
                warnings = List.copyOf(warnings);
            }
        }

        record Text(String text) implements Found {
        }
    }

    /** The collector that hands each file to the first cataloger wanting it, and keeps os-release's text. */
    public static final class Collector implements FileCollector<Found> {
        private final List<Cataloger> catalogers;

        public Collector(List<Cataloger> catalogers) {
            this.catalogers = List.copyOf(catalogers);
        }

        @Override
        public boolean wants(LayerFile file) {
            if (OS_RELEASE.contains(file.path())) {
                return true;
            }
            if (file.type() != LayerFile.Type.FILE) {
                return false;
            }
            for (Cataloger c : catalogers) {
                if (c.wants(file)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Found read(LayerFile file, InputStream content) throws IOException {
            if (OS_RELEASE.contains(file.path())) {
                return new Found.Text(new String(content.readNBytes(MAX_OS_RELEASE), StandardCharsets.UTF_8));
            }
            for (Cataloger c : catalogers) {
                if (c.wants(file)) {
                    Warnings ofFile = new Warnings();
                    List<InstalledPackage> found = c.read(file, content, ofFile);
                    return found.isEmpty() && ofFile.skipped().isEmpty() && ofFile.lines().isEmpty() ? null
                            : new Found.Packages(found, ofFile.skipped(), ofFile.lines());
                }
            }
            return null;
        }

        /** The inventory once every layer has been walked. */
        public Catalog finish(FileView<Found> view) {
            OsRelease os = OS_RELEASE.stream()
                    .map(view::resolve)
                    .flatMap(java.util.Optional::stream)
                    .map(c -> c.value() instanceof Found.Text t ? OsRelease.parse(t.text()) : null)
                    .filter(Objects::nonNull)
                    .findFirst().orElse(OsRelease.UNKNOWN);
            List<InstalledPackage> packages = new ArrayList<>();
            Warnings skipped = new Warnings();
            Warnings warnings = new Warnings();
            boolean unmatchedOs = false;
            for (FileView.Collected<Found> c : view.files()) {
                if (!(c.value() instanceof Found.Packages p)) {
                    continue;
                }
                p.skipped().forEach(s -> skipped.skip(s.location(), s.reason()));
                p.warnings().forEach(warnings::add);
                for (InstalledPackage pkg : p.packages()) {
                    String ecosystem = pkg.type().osvEcosystem();
                    String vendor = null;
                    String distro = null;
                    if (pkg.type().isOsPackage()) {
                        List<String> ecosystems = os.osvEcosystems(pkg.type());
                        unmatchedOs |= ecosystems.isEmpty();
                        ecosystem = ecosystems.isEmpty() ? ecosystem : ecosystems.get(0);
                        vendor = os.isKnown() ? os.id() : (pkg.type() == PackageType.DEB ? "debian" : "alpine");
                        distro = os.purlDistro();
                    }
                    InstalledPackage placed = pkg.withLayer(c.file().layerName()).withEcosystem(ecosystem, null);
                    packages.add(placed.withEcosystem(ecosystem, Purl.of(placed, vendor, distro)));
                }
            }
            packages.sort(Comparator.comparing((InstalledPackage p) -> p.type().ordinal())
                    .thenComparing(InstalledPackage::name).thenComparing(InstalledPackage::version)
                    .thenComparing(InstalledPackage::location));
            List<String> notes = new ArrayList<>(warnings.lines());
            if (unmatchedOs) {
                notes.add(0, "the image's OS release (" + (os.isKnown() ? os.toString() : "no os-release file")
                        + ") is not one whose advisories this scanner can select (Debian, Ubuntu, Alpine with a"
                        + " VERSION_ID), so its OS packages are listed but not matched against the database");
            }
            return new Catalog(os, packages, notes, skipped.skipped(), view.stats());
        }
    }
}
