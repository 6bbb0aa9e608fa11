package io.jenkins.plugins.immutable.scan.layer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.testing.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.Test;

public class LayerWalkerTest {

    /** Wants every file under {@code app/} and {@code etc/}, and keeps its text. */
    private static final FileCollector<String> TEXT = new FileCollector<>() {
        @Override
        public boolean wants(LayerFile file) {
            return file.path().startsWith("app/") || file.path().startsWith("etc/");
        }

        @Override
        public String read(LayerFile file, InputStream content) throws IOException {
            return new String(content.readAllBytes(), StandardCharsets.UTF_8);
        }
    };

    private static FileView<String> walk(byte[]... layers) {
        Layer[] list = new Layer[layers.length];
        for (int i = 0; i < layers.length; i++) {
            list[i] = Layer.ofBytes("layer" + i, layers[i]);
        }
        return new LayerWalker(DecompressionLimits.DEFAULT, ProgressListener.NONE).walk(List.of(list), TEXT);
    }

    private static Map<String, String> contents(FileView<String> view) {
        Map<String, String> out = new LinkedHashMap<>();
        view.files().forEach(c -> out.put(c.file().path(), c.value()));
        return out;
    }

    @Test
    public void eachLayersProgressEndsWithTheLayerDoneSoNoBarIsLeftPartWay() {
        TarBuilder many = new TarBuilder();
        for (int i = 0; i < 2100; i++) {
            many.file("app/f" + i, "x");
        }
        byte[] first = many.gzip();
        byte[] second = new TarBuilder().file("etc/a", "a").gzip();
        RecordingListener listener = new RecordingListener();
        new LayerWalker(DecompressionLimits.DEFAULT, listener).walk(List.of(Layer.ofBytes("many", first),
                Layer.ofBytes("one", second)), TEXT);
        Map<String, List<RecordingListener.Event>> byTask = listener.byTask();
        assertEquals(List.of("layer 1", "layer 2"), List.copyOf(byTask.keySet()));
        assertTrue("2100 entries report on the way: " + byTask, byTask.get("layer 1").size() > 1);
        assertEquals(new RecordingListener.Event("layer 1", first.length, first.length), byTask.get("layer 1")
                .get(byTask.get("layer 1").size() - 1));
        assertEquals(List.of(new RecordingListener.Event("layer 2", second.length, second.length)),
                byTask.get("layer 2"));
    }

    @Test
    public void laterLayerReplacesAFileAndKeepsOnlyTheFinalVersion() {
        FileView<String> view = walk(
                new TarBuilder().dir("app").file("app/a.txt", "one").file("app/b.txt", "b").gzip(),
                new TarBuilder().file("app/a.txt", "two").gzip());
        assertEquals(Map.of("app/a.txt", "two", "app/b.txt", "b"), contents(view));
        assertEquals(1, view.resolve("app/a.txt").get().file().layerIndex());
    }

    @Test
    public void whiteoutDeletesAFileFromLowerLayers() {
        FileView<String> view = walk(
                new TarBuilder().file("app/secret.jar", "x").file("app/keep.txt", "k").gzip(),
                new TarBuilder().whiteout("app/secret.jar").gzip());
        assertEquals(Map.of("app/keep.txt", "k"), contents(view));
    }

    @Test
    public void whiteoutOfADirectoryDeletesEverythingUnderIt() {
        FileView<String> view = walk(
                new TarBuilder().file("app/lib/a.jar", "a").file("app/lib/sub/b.jar", "b").file("app/libx", "x")
                        .gzip(),
                new TarBuilder().whiteout("app/lib").gzip());
        assertEquals(Map.of("app/libx", "x"), contents(view));
    }

    @Test
    public void whiteoutDoesNotDeleteWhatTheSameLayerAdds() {
        FileView<String> view = walk(
                new TarBuilder().file("app/a", "old").gzip(),
                new TarBuilder().file("app/a", "new").whiteout("app/a").gzip());
        assertEquals(Map.of("app/a", "new"), contents(view));
    }

    @Test
    public void opaqueDirectoryHidesLowerLayersButKeepsItsOwnLayer() {
        FileView<String> view = walk(
                new TarBuilder().file("app/old.txt", "old").file("app/sub/deep.txt", "deep").file("etc/x", "x")
                        .gzip(),
                new TarBuilder().file("app/new.txt", "new").opaque("app").gzip());
        assertEquals(Map.of("app/new.txt", "new", "etc/x", "x"), contents(view));
    }

    @Test
    public void fileReplacingADirectoryHidesItsChildren() {
        FileView<String> view = walk(
                new TarBuilder().file("app/d/child.txt", "c").gzip(),
                new TarBuilder().file("app/d", "now a file").gzip());
        assertEquals(Map.of("app/d", "now a file"), contents(view));
    }

    @Test
    public void symlinkIsResolvedInsideTheImage() {
        FileView<String> view = walk(
                new TarBuilder().file("etc/real-release", "ID=debian").symlink("etc/os-release", "real-release")
                        .symlink("etc/abs", "/etc/real-release").symlink("etc/up", "../../../etc/real-release")
                        .gzip());
        assertEquals("ID=debian", view.resolve("etc/os-release").get().value());
        assertEquals("ID=debian", view.resolve("etc/abs").get().value());
        assertEquals("ID=debian", view.resolve("etc/up").get().value());
        assertFalse(view.resolve("etc/missing").isPresent());
    }

    @Test
    public void symlinkLoopResolvesToNothing() {
        FileView<String> view = walk(new TarBuilder().symlink("etc/a", "b").symlink("etc/b", "a").tar());
        assertFalse(view.resolve("etc/a").isPresent());
    }

    @Test
    public void hardlinkCarriesTheTargetsValue() {
        FileView<String> view = walk(new TarBuilder().file("app/a", "same").hardlink("app/b", "app/a").gzip());
        assertEquals(Map.of("app/a", "same", "app/b", "same"), contents(view));
    }

    @Test
    public void readsPlainTarGzipAndZstdLayersAlike() {
        byte[] plain = new TarBuilder().file("app/p", "plain").tar();
        byte[] gzip = new TarBuilder().file("app/g", "gzip").gzip();
        byte[] zstd = new TarBuilder().file("app/z", "zstd").file("app/big", "y".repeat(300_000)).zstd();
        FileView<String> view = walk(plain, gzip, zstd);
        assertEquals("plain", view.resolve("app/p").get().value());
        assertEquals("gzip", view.resolve("app/g").get().value());
        assertEquals("zstd", view.resolve("app/z").get().value());
        assertEquals(300_000, view.resolve("app/big").get().value().length());
        assertEquals(3, view.stats().layers());
        assertEquals(plain.length, view.stats().compressedBytes() - gzip.length - zstd.length);
    }

    @Test
    public void namesAreNormalisedFromDotSlashAndAbsoluteForms() {
        FileView<String> view = walk(new TarBuilder().file("./app/x", "1").file("/app/y", "2")
                .file("app/./z/../w", "3").gzip());
        assertEquals(Map.of("app/w", "3", "app/x", "1", "app/y", "2"), contents(view));
    }

    @Test
    public void entryEscapingTheRootIsRefused() {
        byte[] evil = new TarBuilder().file("app/ok", "fine").file("app/../../etc/passwd", "root::0:0").gzip();
        try {
            walk(evil);
            fail("a ../ entry must be refused");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("'app/../../etc/passwd'"));
            assertTrue(e.getMessage(), e.getMessage().contains("outside the image root"));
        }
    }

    @Test
    public void hardlinkEscapingTheRootIsRefused() {
        byte[] evil = new TarBuilder().hardlink("app/shadow", "../etc/shadow").tar();
        try {
            walk(evil);
            fail("a hard link out of the root must be refused");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("app/shadow -> ../etc/shadow"));
        }
    }

    @Test
    public void gzipBombStopsOnTheRatioWithDefaultLimits() throws IOException {
        // 1 GiB of zeros in one file compress to about 1 MiB: a ratio near 1000.
        byte[] bomb = gzipOfTarWithZeros("app/zeros", 1L << 30);
        assertTrue(bomb.length < 2 << 20);
        long started = System.nanoTime();
        try {
            walk(bomb);
            fail("a gzip bomb must stop the scan");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("layer layer0 inflates more than 200 times"));
            assertTrue(e.getMessage(), e.getMessage().contains("decompression bomb"));
        }
        // It stopped early rather than inflating 1 GiB (a generous bound, not a timing assertion on speed).
        assertTrue((System.nanoTime() - started) / 1_000_000_000 < 60);
    }

    @Test
    public void layerPastTheSizeLimitStops() {
        byte[] layer = new TarBuilder().file("app/a", "x".repeat(100_000)).tar();
        DecompressionLimits small = new DecompressionLimits(50_000, 1000, 0);
        try {
            new LayerWalker(small, ProgressListener.NONE).walk(List.of(Layer.ofBytes("big", layer)), TEXT);
            fail("limit");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("layer big inflates past 48.8 KiB"));
        }
    }

    @Test
    public void truncatedGzipLayerIsACorruptLayerError() {
        byte[] good = new TarBuilder().file("app/a", "x".repeat(200_000)).file("app/b", "y").gzip();
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        try {
            walk(truncated);
            fail("truncated");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("rebuild or re-push it"));
        }
    }

    @Test
    public void gzipMediaTypeWithoutGzipBytesIsCorrupt() {
        byte[] notGzip = "definitely not a layer".getBytes(StandardCharsets.UTF_8);
        Layer layer = new Layer("sha256:abc", "application/vnd.oci.image.layer.v1.tar+gzip", notGzip.length,
                () -> new java.io.ByteArrayInputStream(notGzip));
        try {
            new LayerWalker(DecompressionLimits.DEFAULT, ProgressListener.NONE).walk(List.of(layer), TEXT);
            fail("corrupt");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("does not start with that compression's magic"));
        }
    }

    static byte[] gzipOfTarWithZeros(String path, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            TarBuilder.writeTarWithZeros(gz, path, size);
        }
        return out.toByteArray();
    }
}
