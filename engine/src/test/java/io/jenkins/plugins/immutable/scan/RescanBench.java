package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.scan.catalog.Catalog;
import io.jenkins.plugins.immutable.scan.layer.LayerCache;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A re-scan's shared layer cache on the stack's registry: 20 images on one Debian-like base (a dpkg status and a few
 * tens of MiB of files) with a small app layer each, scanned with one cache for the run beside 20 separate scans.
 * Run with scripts/bench-rescan; not part of the test suite.
 */
public final class RescanBench {

    private static final int IMAGES = 20;

    private RescanBench() {
    }

    public static void main(String[] args) throws Exception {
        int baseMiB = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        RegistryClient client = RegistryClient.builder().build();
        Repository repo = Repository.parse(Stack.registry() + "/" + Stack.uniqueRepository("bench-rescan"));
        byte[] base = base(baseMiB);
        List<ImageReference> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            byte[] app = new TarBuilder()
                    .file("srv/app/package.json", "{\"name\":\"app\",\"version\":\"1.0." + i + "\"}")
                    .file("srv/app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17."
                            + (10 + i) + "\"}")
                    .file("srv/app/build-" + i + ".txt", "build " + i + "\n")
                    .tar();
            ImageManifest m = RegistryScanTest.pushImage(repo, "amd64", List.of(base, app),
                    List.of(MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_GZIP));
            images.add(client.putManifest(repo.tag("v" + i), m));
        }
        System.out.printf(Locale.ROOT, "%d images in %s on one base layer of %d MiB (uncompressed) + a small app layer"
                + " each%n", IMAGES, repo, baseMiB);
        System.out.println("load before: " + uptime());
        try (OsvDatabase db = OsvDatabase.open(Path.of("..", "testdata", "osv-db"), ProgressListener.NONE)) {
            Policy policy = new Policy(Severity.HIGH, false, List.of());
            Scanner scanner = new Scanner(db, ProgressListener.NONE);
            scanner.scan(client, images.get(0), null, policy); // warm the JIT and the registry's page cache

            long t0 = System.nanoTime();
            int findingsAlone = 0;
            for (ImageReference image : images) {
                findingsAlone += scanner.scan(client, image, null, policy).findings().size();
            }
            double alone = (System.nanoTime() - t0) / 1e9;

            LayerCache<Catalog.Found> cache = new LayerCache<>();
            Scanner shared = scanner.withLayerCache(cache);
            long t1 = System.nanoTime();
            int findingsShared = 0;
            for (ImageReference image : images) {
                findingsShared += shared.scan(client, image, null, policy).findings().size();
            }
            double cached = (System.nanoTime() - t1) / 1e9;
            if (findingsAlone != findingsShared) {
                throw new IllegalStateException("the cached scans found " + findingsShared + " findings, the separate"
                        + " ones " + findingsAlone);
            }
            System.out.printf(Locale.ROOT, "20 separate scans:          %6.2f s (%.3f s per image)%n", alone,
                    alone / IMAGES);
            System.out.printf(Locale.ROOT, "20 scans with a layer cache: %6.2f s (%.3f s per image; %d layers read,"
                    + " %d replayed) %.1fx faster%n", cached, cached / IMAGES, cache.layersRead(),
                    cache.layersReplayed(), alone / cached);
            System.out.println("findings per run: " + findingsAlone);
        }
        System.out.println("load after:  " + uptime());
    }

    /** A Debian-like base: os-release, this machine's dpkg status, and files of mixed compressibility. */
    private static byte[] base(int mib) throws Exception {
        Random random = new Random(42);
        TarBuilder tar = new TarBuilder()
                .file("usr/lib/os-release", Files.readString(ScanFixtures.OS_RELEASE))
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("var/lib/dpkg/status", Files.readAllBytes(ScanFixtures.DPKG_STATUS), 0100644);
        int files = mib * 16;
        for (int i = 0; i < files; i++) {
            byte[] content = new byte[64 * 1024];
            // half random (like binaries), half repetitive (like text), so gzip takes it to about 60%
            for (int j = 0; j < content.length; j++) {
                content[j] = j < content.length / 2 ? (byte) random.nextInt(256) : (byte) ('a' + j % 26);
            }
            tar.file("usr/share/base/f" + i, content, 0100644);
        }
        return tar.tar();
    }

    private static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (java.io.IOException e) {
            return "(uptime not available: " + e.getMessage() + ")";
        }
    }
}
