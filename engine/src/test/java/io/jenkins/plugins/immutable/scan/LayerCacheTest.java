package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.catalog.Catalog;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.layer.LayerCache;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A run's layer cache: a layer shared by several images is read from its blob once, and every scan reports exactly
 * what a scan without the cache reports (packages, findings, warnings, what was not read, sizes).
 */
public class LayerCacheTest {

    private static OsvDatabase db;
    private static byte[] base;
    private static byte[] upgrade;
    private static byte[] app;
    private static byte[] otherBase;

    private final Map<String, AtomicInteger> opened = new ConcurrentHashMap<>();

    @BeforeClass
    public static void openDatabaseAndBuildLayers() {
        db = OsvDatabase.open(ScannerTest.TEST_DB, ProgressListener.NONE);
        base = ScanFixtures.baseLayer().gzip();
        upgrade = ScanFixtures.upgradeLayer().zstd();
        // a hard link to a file of the layer below, a whiteout of the base's dpkg status.d entry, a broken
        // package.json (content not read, kept with the file, which must survive a replay)
        app = new TarBuilder()
                .hardlink("usr/lib/os-release-copy", "usr/lib/os-release")
                .whiteout("var/lib/dpkg/status.d/tzdata")
                .file("srv/node_modules/broken/package.json", "{not json")
                .file("srv/node_modules/left-pad/package.json", "{\"name\":\"left-pad\",\"version\":\"1.3.0\"}")
                .gzip();
        // another base, without the jackson jar the upgrade layer whites out and with an older lodash
        otherBase = new TarBuilder()
                .file("usr/local/lib/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.15\"}")
                .file("app/lib/jackson-databind-2.9.8.jar", ScanFixtures.jar("com.fasterxml.jackson.core",
                        "jackson-databind", "2.9.8", null), 0100644)
                .gzip();
    }

    @AfterClass
    public static void closeDatabase() {
        db.close();
    }

    private Layer layer(String digest, byte[] bytes) {
        return new Layer(digest, null, bytes.length, () -> {
            opened.computeIfAbsent(digest, k -> new AtomicInteger()).incrementAndGet();
            return new ByteArrayInputStream(bytes);
        });
    }

    private static Scanner scanner() {
        return new Scanner(db, DecompressionLimits.DEFAULT, ScannerTest.CLOCK, ProgressListener.NONE);
    }

    private List<List<Layer>> images() {
        return List.of(
                List.of(layer("sha256:base", base), layer("sha256:upgrade", upgrade)),
                List.of(layer("sha256:base", base), layer("sha256:app", app)),
                List.of(layer("sha256:base", base), layer("sha256:upgrade", upgrade), layer("sha256:app", app)),
                List.of(layer("sha256:other", otherBase), layer("sha256:upgrade", upgrade)));
    }

    @Test
    public void sharedLayersAreReadOnceAndEveryReportIsTheSameAsWithoutTheCache() {
        List<List<Layer>> images = images();
        List<ScanReport> alone = images.stream()
                .map(layers -> scanner().scan("registry.example/app", null, layers, Policy.REPORT_ONLY)).toList();
        assertEquals(3, opened.get("sha256:base").get());
        opened.clear();

        LayerCache<Catalog.Found> cache = new LayerCache<>();
        Scanner cached = scanner().withLayerCache(cache);
        List<ScanReport> shared = images.stream()
                .map(layers -> cached.scan("registry.example/app", null, layers, Policy.REPORT_ONLY)).toList();

        assertEquals("each layer's blob is opened once in the run", Map.of("sha256:base", 1, "sha256:upgrade", 1,
                "sha256:app", 1, "sha256:other", 1), counts());
        assertEquals(4, cache.layersRead());
        assertEquals(5, cache.layersReplayed());
        for (int i = 0; i < images.size(); i++) {
            ScanReport a = alone.get(i);
            ScanReport b = shared.get(i);
            assertEquals("image " + i, a.packages(), b.packages());
            assertEquals("image " + i, a.findings(), b.findings());
            assertEquals("image " + i, a.warnings(), b.warnings());
            assertEquals("image " + i, a.skipped(), b.skipped());
            assertEquals("image " + i, a.layers(), b.layers());
            assertEquals("image " + i, a.os(), b.os());
        }
        // the cases the replay must get right differ from each other, so equal reports mean something
        assertNotEquals(alone.get(0).packages(), alone.get(1).packages());
        assertNotEquals(alone.get(0).packages(), alone.get(3).packages());
        assertTrue(alone.get(1).skipped().toString(), alone.get(1).skipped().stream()
                .anyMatch(s -> s.location().equals("srv/node_modules/broken/package.json")));
        assertTrue(alone.get(3).packages().stream().anyMatch(p -> p.name().equals("lodash")
                && p.version().equals("4.17.21")));
        assertTrue(alone.get(3).packages().stream().noneMatch(p -> p.name().equals("jackson-databind")));
    }

    @Test
    public void aLayerThatFailedIsNotReplayed() {
        byte[] truncated = Arrays.copyOf(base, base.length / 2);
        LayerCache<Catalog.Found> cache = new LayerCache<>();
        Scanner cached = scanner().withLayerCache(cache);
        List<Layer> broken = List.of(layer("sha256:base", truncated), layer("sha256:upgrade", upgrade));
        assertThrows(EngineException.class,
                () -> cached.scan("registry.example/app", null, broken, Policy.REPORT_ONLY));
        assertEquals(0, cache.size());
        ScanReport whole = cached.scan("registry.example/app", null,
                List.of(layer("sha256:base", base), layer("sha256:upgrade", upgrade)), Policy.REPORT_ONLY);
        assertEquals("the failed layer was read again", 2, opened.get("sha256:base").get());
        assertEquals(scanner().scan("registry.example/app", null,
                List.of(layer("sha256:base", base), layer("sha256:upgrade", upgrade)), Policy.REPORT_ONLY)
                .packages(), whole.packages());
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        opened.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
