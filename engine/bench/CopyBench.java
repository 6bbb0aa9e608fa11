import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.CopyResult;
import io.jenkins.plugins.immutable.registry.ImageCopier;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Times ImageCopier against `skopeo copy` on the same images in the same run, and reports the heap it used.
 * Arguments: the source registry and a second registry (host:port, plain HTTP).
 */
public class CopyBench {

    static final RegistryClient CLIENT = RegistryClient.builder().build();
    static int repoCounter;

    /** Incompressible bytes, generated as read: the image is never held in memory. */
    static InputStream randomBytes(long size, long seed) {
        return new InputStream() {
            final SplittableRandom random = new SplittableRandom(seed);
            long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        b[off + i + j] = (byte) (v >>> (8 * j));
                    }
                }
                left -= n;
                return n;
            }
        };
    }

    /**
     * Real gzip (stored blocks: random data does not compress anyway), so skopeo keeps the layers as they are
     * instead of compressing what it would take for an uncompressed layer.
     */
    static InputStream gzipped(InputStream raw) throws java.io.IOException {
        java.io.PipedInputStream in = new java.io.PipedInputStream(1 << 20);
        java.io.PipedOutputStream out = new java.io.PipedOutputStream(in);
        Thread writer = new Thread(() -> {
            try (raw; java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 1 << 16) {
                {
                    def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                }
            }) {
                raw.transferTo(gz);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true);
        writer.start();
        return in;
    }

    static ImageReference build(String registry, long size, int layers, long seed) throws Exception {
        Repository repo = new Repository(registry, "bench/src" + (repoCounter++));
        ImageManifest.Builder b = ImageManifest.builder(MediaTypes.OCI_MANIFEST).config(CLIENT.pushBlob(repo,
                ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"seed\":" + seed + "}")
                        .getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_CONFIG));
        for (int i = 0; i < layers; i++) {
            Descriptor layer = CLIENT.pushBlob(repo, gzipped(randomBytes(size / layers, seed * 100 + i)));
            b.layer(layer.withMediaType(MediaTypes.OCI_LAYER_GZIP));
        }
        return CLIENT.putManifest(repo.tag("v1"), b.build());
    }

    static ImageReference freshTarget(String registry) {
        return new Repository(registry, "bench/dst" + (repoCounter++)).tag("v1");
    }

    /** Flushes what the previous copy wrote, so its writeback does not slow the next one down. */
    static void settle() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes the progress a terminal would draw, so the copies pay for counting their bytes as the CLI's do. */
    static final AtomicLong PROGRESS_EVENTS = new AtomicLong();
    static final ProgressListener WATCHER = new ProgressListener() {
        @Override
        public void line(String line) {
        }

        @Override
        public void progress(String task, long done, long total) {
            PROGRESS_EVENTS.incrementAndGet();
        }
    };

    static double ours(ImageReference source, ImageReference target, String expect) {
        settle();
        long t = System.nanoTime();
        CopyResult r = new ImageCopier(CLIENT).withParallelism(Integer.getInteger("parallelism", 6))
                .withListener(WATCHER).copy(source, target);
        double s = (System.nanoTime() - t) / 1e9;
        if (!r.digest().equals(source.digest())) {
            throw new IllegalStateException("copied the wrong digest");
        }
        System.err.printf("  ours: %s mounted=%d copied=%d present=%d bytes=%d%n", expect, r.blobsMounted(),
                r.blobsCopied(), r.blobsPresent(), r.bytesCopied());
        return s;
    }

    static double skopeo(ImageReference source, ImageReference target) throws Exception {
        // A fresh HOME each time: no blob-info cache from an earlier run lets skopeo skip work it would do in CI.
        Path home = Files.createTempDirectory(Path.of(System.getenv("BENCH_WORK")), "skopeo-home");
        ProcessBuilder pb = new ProcessBuilder("skopeo", "copy", "--quiet", "--src-tls-verify=false",
                "--dest-tls-verify=false", "docker://" + source.repository() + "@" + source.digest(),
                "docker://" + target).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        settle();
        if (Boolean.getBoolean("skopeoTime")) {
            pb.command().add(0, "/usr/bin/time");
            pb.command().add(1, "-f");
            pb.command().add(2, "SKOPEO_CPU user=%U sys=%S");
        }
        long t = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("skopeo copy failed: " + out);
        }
        if (out.contains("SKOPEO_CPU")) {
            System.err.print(out);
        }
        double s = (System.nanoTime() - t) / 1e9;
        if (!CLIENT.resolve(target).digest().equals(source.digest())) {
            throw new IllegalStateException("skopeo changed the digest");
        }
        return s;
    }

    static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }

    static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static void row(String what, double ours, double skopeo) {
        System.out.printf("%-44s %8.2f s %8.2f s %8.2f%n", what, ours, skopeo, ours / skopeo);
    }

    public static void main(String[] args) throws Exception {
        String r1 = args[0];
        String r2 = args[1];
        System.err.println("building images (random, incompressible layers) ...");
        // New bytes every run: skopeo's blob-info cache (/var/lib/containers/cache for root) must not know them.
        long seed = System.nanoTime();
        ImageReference warm = build(r1, 1 << 20, 2, seed);
        ImageReference small = build(r1, 10L << 20, 4, seed + 1);
        ImageReference large = build(r1, 500L << 20, 5, seed + 2);
        // A second 500 MB image: skopeo remembers where it put blobs (its blob-info cache) and would mount instead
        // of copying the same image a second time, so each side copies each image once, in both orders.
        ImageReference large2 = build(r1, 500L << 20, 5, seed + 3);
        // Warm up both sides (JIT, connections) on a 1 MB image, not measured.
        ours(warm, freshTarget(r1), "warm-up");
        ours(warm, freshTarget(r2), "warm-up");
        skopeo(warm, freshTarget(r1));

        resetPeaks();
        double p10 = ours(small, freshTarget(r1), "promote 10 MB");
        double s10 = skopeo(small, freshTarget(r1));
        double p500 = ours(large, freshTarget(r1), "promote 500 MB");
        double s500 = skopeo(large, freshTarget(r1));
        long promoteHeap = peakHeapMb();
        resetPeaks();
        // Both orders, each side's better time: whoever runs second may meet the first one's writeback.
        double sx1 = skopeo(large, freshTarget(r2));
        double px1 = ours(large2, freshTarget(r2), "cross-registry 500 MB");
        double sx = Math.min(sx1, skopeo(large2, freshTarget(r2)));
        long cpu0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long events0 = PROGRESS_EVENTS.get();
        double px = Math.min(px1, ours(large, freshTarget(r2), "cross-registry 500 MB"));
        long events = PROGRESS_EVENTS.get() - events0;
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() - cpu0;
        long crossHeap = peakHeapMb();

        System.out.println();
        System.out.printf("%-44s %10s %10s %8s%n", "operation (same run, same image)", "ours", "skopeo", "ratio");
        row("promote (same-registry copy), 10 MB", p10, s10);
        row("promote (same-registry copy), 500 MB", p500, s500);
        row("cross-registry copy, 500 MB (best of 2)", px, sx);
        System.out.printf("promotion time 500 MB / 10 MB: %.2f (flat = 1)%n", p500 / p10);
        System.out.printf("cross-registry throughput: ours %.0f MB/s, skopeo %.0f MB/s; CPU of this JVM during"
                + " its copy %.2f s, with %d progress events reported%n", 500 / px, 500 / sx, cpu / 1e9, events);
        System.out.printf("peak heap used (of -Xmx%d MB): promotions %d MB, cross-registry copy %d MB%n",
                Runtime.getRuntime().maxMemory() / (1024 * 1024), promoteHeap, crossHeap);
        System.out.println("goals: promotion ratio <= 0.50 and flat in size; cross-registry ratio <= 1.00;"
                + " heap < 256 MB");
    }
}
