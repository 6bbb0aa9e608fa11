package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Scan throughput on an image of about 1 GiB (uncompressed) of many small files in four gzip layers, beside
 * {@code tar -xzOf} reading the same layers to /dev/null in the same run, and the scan's peak heap. Run with
 * scripts/bench-scan (which gives the JVM -Xmx512m); not part of the test suite.
 */
public final class ScanBench {

    private static final int LAYERS = 4;
    private static final long LAYER_BYTES = 256L << 20;

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/scan-bench");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Path> layers = layers(dir);
        long compressed = 0;
        for (Path l : layers) {
            compressed += Files.size(l);
        }
        System.out.printf(Locale.ROOT, "image: %d gzip layers, %.1f MiB compressed, JVM max heap %d MiB%n",
                layers.size(), compressed / 1048576.0, Runtime.getRuntime().maxMemory() >> 20);

        double bestTar = Double.MAX_VALUE;
        double bestScan = Double.MAX_VALUE;
        long peakHeap = 0;
        long peakPools = 0;
        ScanReport report = null;
        try (OsvDatabase db = OsvDatabase.open(Path.of("..", "testdata", "osv-db"), ProgressListener.NONE)) {
            for (int round = 1; round <= rounds; round++) {
                double tar = tarSeconds(layers);
                bestTar = Math.min(bestTar, tar);

                System.gc();
                List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).toList();
                heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
                AtomicLong sampled = new AtomicLong();
                Thread sampler = new Thread(() -> {
                    Runtime rt = Runtime.getRuntime();
                    while (!Thread.currentThread().isInterrupted()) {
                        sampled.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.setDaemon(true);
                sampler.start();
                long start = System.nanoTime();
                report = new Scanner(db, ProgressListener.NONE).scan("bench", null,
                        layers.stream().map(Layer::ofFile).toList(), Policy.REPORT_ONLY);
                double scan = (System.nanoTime() - start) / 1e9;
                sampler.interrupt();
                sampler.join();
                bestScan = Math.min(bestScan, scan);
                peakHeap = Math.max(peakHeap, sampled.get());
                peakPools = Math.max(peakPools, heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum());
                double mib = report.layers().uncompressedBytes() / 1048576.0;
                System.out.printf(Locale.ROOT, "round %d: tar -xzOf %.2f s (%.0f MiB/s), scan %.2f s (%.0f MiB/s)%n",
                        round, tar, mib / tar, scan, mib / scan);
            }
        }
        double mib = report.layers().uncompressedBytes() / 1048576.0;
        System.out.printf(Locale.ROOT, "uncompressed: %.1f MiB in %d tar entries; %d packages, %d findings%n", mib,
                report.layers().entries(), report.packages().size(), report.findings().size());
        System.out.printf(Locale.ROOT, "best tar -xzOf: %.0f MiB/s; best scan: %.0f MiB/s; scan/tar time ratio %.2f"
                + " (goal <= 1.5)%n", mib / bestTar, mib / bestScan, bestScan / bestTar);
        System.out.printf(Locale.ROOT, "peak heap in use during the scan: %d MiB sampled, %d MiB by pool peaks"
                + " (goal < 512 MiB)%n", peakHeap >> 20, peakPools >> 20);
    }

    private static double tarSeconds(List<Path> layers) throws IOException, InterruptedException {
        long start = System.nanoTime();
        for (Path l : layers) {
            Process p = new ProcessBuilder("tar", "-xzOf", l.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("tar -xzOf " + l + " failed");
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Four layers of ~256 MiB of small files, made once and kept (deterministic, seed 42). */
    static List<Path> layers(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        Random random = new Random(42);
        byte[] text = textPool(random);
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        for (int i = 0; i < LAYERS; i++) {
            Path layer = dir.resolve("layer" + i + ".tar.gz");
            out.add(layer);
            if (Files.exists(layer)) {
                continue;
            }
            System.out.println("writing " + layer + " ...");
            Path tmp = dir.resolve("layer" + i + ".tmp");
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                writeLayer(tar, i, random, text, noise);
            }
            Files.move(tmp, layer);
        }
        return out;
    }

    private static void writeLayer(TarArchiveOutputStream tar, int index, Random random, byte[] text, byte[] noise)
            throws IOException {
        long written = 0;
        int n = 0;
        if (index == 0) {
            put(tar, "var/lib/dpkg/status", Files.readAllBytes(ScanFixtures.DPKG_STATUS));
            put(tar, "etc/os-release", Files.readAllBytes(ScanFixtures.OS_RELEASE));
        }
        for (int j = 0; j < 40; j++) {
            byte[] jar = ScanFixtures.jar("org.bench" + index, "lib" + j, "1." + j, null);
            put(tar, "opt/app" + index + "/lib/lib" + j + "-1." + j + ".jar", jar);
        }
        if (index == LAYERS - 1) {
            // the top layer deletes a lower layer's library, as upgrades do
            put(tar, "opt/app0/lib/.wh.lib0-1.0.jar", new byte[0]);
        }
        while (written < LAYER_BYTES) {
            int size = 256 + random.nextInt(16 * 1024);
            String dir = "usr/share/bench" + index + "/d" + (n / 200);
            byte[] content;
            String name;
            if (n % 25 == 0) {
                name = "srv/node" + index + "/node_modules/pkg" + n + "/package.json";
                content = ("{\"name\":\"pkg" + n + "\",\"version\":\"1." + (n % 7) + ".0\",\"description\":\""
                        + new String(text, 0, 200, StandardCharsets.US_ASCII) + "\"}").getBytes(StandardCharsets.UTF_8);
            } else if (n % 10 == 0) {
                name = dir + "/blob" + n + ".bin";
                content = slice(noise, random, size);
            } else {
                name = dir + "/file" + n + ".txt";
                content = slice(text, random, size);
            }
            put(tar, name, content);
            written += content.length + 512;
            n++;
        }
    }

    private static byte[] slice(byte[] pool, Random random, int size) {
        int from = random.nextInt(pool.length - size);
        byte[] out = new byte[size];
        System.arraycopy(pool, from, out, 0, size);
        return out;
    }

    /** Words in random order: compresses about as well as source code and documentation do (3 to 4 times). */
    private static byte[] textPool(Random random) {
        String[] words = ("the of and to in is that for it as with was on be by this are from or an at which but not"
                + " have has had were can all their more if will one about there when would so what up out into than"
                + " them only some time could these two may then do first any new like other its our over such"
                + " package import class public static final void return string int long boolean null true false"
                + " config value name version path file error request response server client image layer digest")
                .split(" ");
        StringBuilder sb = new StringBuilder(4 << 20);
        while (sb.length() < (4 << 20)) {
            sb.append(words[random.nextInt(words.length)]);
            sb.append(random.nextInt(12) == 0 ? "\n" : " ");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        new ByteArrayInputStream(content).transferTo(tar);
        tar.closeArchiveEntry();
    }
}
