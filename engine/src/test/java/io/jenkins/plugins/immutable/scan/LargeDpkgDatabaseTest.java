package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * An image whose dpkg database is 88 MB (a large Debian image with long descriptions), scanned in a JVM with a 128 MB
 * heap, as a small agent has: every package is found, and the scan completes. Run in a JVM of its own, so the heap
 * limit is real.
 */
public class LargeDpkgDatabaseTest {

    private static final int PACKAGES = 23_100;
    private static final int DESCRIPTION_LINES = 40;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void an88MegabyteDpkgStatusIsScannedWholeUnderA128MegabyteHeap() throws Exception {
        Path layer = temp.newFile("layer.tar.gz").toPath();
        long size = writeLayer(layer);
        assertTrue("the database is " + size + " bytes", size > 88_000_000L);

        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = temp.newFile("out.txt").toPath();
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", classpath, Main.class.getName(),
                ScannerTest.TEST_DB.toAbsolutePath().toString(), layer.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue("the scan finished within 5 minutes", p.waitFor(5, TimeUnit.MINUTES));
        String output = Files.readString(out);
        assertEquals(output, 0, p.exitValue());
        assertTrue(output, output.contains("packages=" + PACKAGES + " skipped=0 verdict=PASSED"));
    }

    /** The scan, in the small JVM: prints what it found. */
    public static final class Main {
        public static void main(String[] args) {
            try (OsvDatabase db = OsvDatabase.open(Path.of(args[0]), ProgressListener.NONE)) {
                ScanReport r = new Scanner(db, DecompressionLimits.DEFAULT, ScannerTest.CLOCK, ProgressListener.NONE)
                        .scan("large", null, List.of(Layer.ofFile(Path.of(args[1]))),
                                new Policy(Severity.CRITICAL, false, List.of()));
                System.out.println("packages=" + r.packages().size() + " skipped=" + r.skipped().size()
                        + " verdict=" + r.verdict() + " " + r.skipped());
            }
        }
    }

    /** A gzip layer with var/lib/dpkg/status of {@link #PACKAGES} installed packages; returns the status size. */
    private static long writeLayer(Path file) throws IOException {
        byte[] first = stanza(0);
        long size = (long) first.length * PACKAGES;
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            TarArchiveEntry e = new TarArchiveEntry("var/lib/dpkg/status");
            e.setSize(size);
            tar.putArchiveEntry(e);
            for (int i = 0; i < PACKAGES; i++) {
                tar.write(stanza(i));
            }
            tar.closeArchiveEntry();
            tar.finish();
        }
        return size;
    }

    /** One stanza, always of the same length, as dpkg writes it. */
    private static byte[] stanza(int i) {
        StringBuilder s = new StringBuilder();
        String name = String.format(Locale.ROOT, "libexample%06d", i);
        s.append("Package: ").append(name).append('\n')
                .append("Status: install ok installed\n")
                .append("Priority: optional\nSection: libs\nInstalled-Size: 1234\n")
                .append("Maintainer: Debian Example Maintainers <example@lists.debian.org>\n")
                .append("Architecture: amd64\nMulti-Arch: same\n")
                .append("Source: example (1.2.3-4)\n")
                .append("Version: 1.2.3-4+b1\n")
                .append("Depends: libc6 (>= 2.34), libgcc-s1 (>= 3.0)\n")
                .append("Description: example library number ").append(String.format(Locale.ROOT, "%06d", i))
                .append('\n');
        for (int line = 0; line < DESCRIPTION_LINES; line++) {
            s.append(" This long description line is here to make the database as large as a big image's: ")
                    .append(String.format(Locale.ROOT, "%02d", line)).append('\n');
        }
        s.append('\n');
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
