package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Root filesystems for scanner tests, made here: the machine's own dpkg database and os-release (a real Debian one),
 * an apk database, a Spring Boot style fat jar with nested jars, npm and Python packages, a real Go binary (skopeo, from
 * Debian) and one with module information written to Go's build info format, and a second layer that deletes a jar
 * with a whiteout and upgrades lodash.
 */
public final class ScanFixtures {

    /** Debian 12 packages in the machine's dpkg database. */
    public static final Path DPKG_STATUS = Path.of("/var/lib/dpkg/status");
    public static final Path OS_RELEASE = Path.of("/usr/lib/os-release");
    /** A real Go program from Debian's packages, installed by scripts/stack. */
    public static final Path GO_BINARY = Path.of("/usr/bin/skopeo");

    public static final String APK_INSTALLED = """
            C:Q1abc=
            P:musl
            V:1.2.5-r0
            A:x86_64
            o:musl
            T:the musl c library

            P:libcrypto3
            V:3.3.1-r0
            A:x86_64
            o:openssl

            P:busybox
            V:1.36.1-r29
            A:x86_64
            o:busybox
            """;

    private ScanFixtures() {
    }

    /** The base layer: every kind of package the catalogers find, plus a jar the next layer deletes. */
    public static TarBuilder baseLayer() {
        try {
            return new TarBuilder()
                    .dir("etc").dir("usr/lib")
                    .file("usr/lib/os-release", Files.readString(OS_RELEASE))
                    .symlink("etc/os-release", "../usr/lib/os-release")
                    .file("var/lib/dpkg/status", Files.readAllBytes(DPKG_STATUS), 0100644)
                    .file("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\n"
                            + "Architecture: all\n")
                    .file("var/lib/dpkg/status.d/tzdata.md5sums", "0123 usr/share/zoneinfo/UTC\n")
                    .file("lib/apk/db/installed", APK_INSTALLED)
                    .file("app/app.jar", fatJar(), 0100644)
                    .file("app/lib/jackson-databind-2.9.8.jar",
                            jar("com.fasterxml.jackson.core", "jackson-databind", "2.9.8", null), 0100644)
                    .file("usr/local/lib/node_modules/lodash/package.json",
                            "{\"name\":\"lodash\",\"version\":\"4.17.20\",\"main\":\"lodash.js\"}")
                    .file("usr/local/lib/node_modules/lodash/test/package.json", "{\"private\":true}")
                    .file("usr/local/lib/node_modules/@types/node/package.json",
                            "{\"name\":\"@types/node\",\"version\":\"20.11.5\",\"dependencies\":{\"undici-types\":\"~5.26.4\"}}")
                    .file("usr/local/lib/node_modules/express/node_modules/qs/package.json",
                            "{\"name\":\"qs\",\"version\":\"6.11.0\"}")
                    .file("usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA",
                            "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\nSummary: HTTP\n\nName: not-this\n")
                    .file("usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info/PKG-INFO",
                            "Metadata-Version: 1.1\nName: PyYAML\nVersion: 5.3.1\n")
                    .file("usr/bin/skopeo", Files.readAllBytes(GO_BINARY), 0100755)
                    .file("usr/local/bin/synthetic", goBinary("go1.21.5", """
                            path\texample.com/tool
                            mod\texample.com/tool\t(devel)\t
                            dep\tgolang.org/x/net\tv0.7.0\th1:abc=
                            dep\tgithub.com/old/yaml\tv1.0.0\th1:def=
                            =>\tgithub.com/new/yaml\tv1.1.0\th1:ghi=
                            dep\texample.com/local\tv0.0.0-00010101000000-000000000000
                            =>\t../local\t
                            build\t-compiler=gc
                            """), 0100755);
        } catch (IOException e) {
            throw new UncheckedIOException("the scan fixtures read this machine's " + DPKG_STATUS + ", " + OS_RELEASE
                    + " and " + GO_BINARY + " (installed by scripts/stack up)", e);
        }
    }

    /** The second layer: deletes the jackson jar (whiteout) and upgrades lodash. */
    public static TarBuilder upgradeLayer() {
        return new TarBuilder()
                .whiteout("app/lib/jackson-databind-2.9.8.jar")
                .file("usr/local/lib/node_modules/lodash/package.json",
                        "{\"name\":\"lodash\",\"version\":\"4.17.21\"}");
    }

    /** A Spring Boot style fat jar: its own pom.properties, stored and deflated nested jars, one with only a manifest. */
    public static byte[] fatJar() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Manifest mf = manifest("Spring Boot app", "1.0.0");
            try (JarOutputStream jar = new JarOutputStream(out, mf)) {
                put(jar, "META-INF/maven/com.example/app/pom.properties",
                        pom("com.example", "app", "1.0.0"), false);
                put(jar, "BOOT-INF/lib/log4j-core-2.14.1.jar",
                        jar("org.apache.logging.log4j", "log4j-core", "2.14.1", null), true);
                put(jar, "BOOT-INF/lib/commons-text-1.9.jar",
                        jar("org.apache.commons", "commons-text", "1.9", null), false);
                put(jar, "BOOT-INF/lib/legacy-lib-3.2.jar", jar(null, null, null, manifest("Legacy", "3.2.1")), true);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jar with a pom.properties (when {@code group} is set) or only a manifest. */
    public static byte[] jar(String group, String artifact, String version, Manifest manifest) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JarOutputStream jar = manifest == null ? new JarOutputStream(out) : new JarOutputStream(out, manifest)) {
                if (group != null) {
                    put(jar, "META-INF/maven/" + group + "/" + artifact + "/pom.properties",
                            pom(group, artifact, version), false);
                }
                put(jar, "com/example/Some.class", new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe},
                        false);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Manifest manifest(String title, String version) {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, title);
        mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        return mf;
    }

    private static byte[] pom(String group, String artifact, String version) {
        return ("#Generated by Maven\ngroupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A jar holding one other archive under {@code name}, stored as Spring Boot stores nested jars. */
    public static byte[] wrap(String name, byte[] archive) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JarOutputStream jar = new JarOutputStream(out)) {
                put(jar, name, archive, true);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(JarOutputStream jar, String name, byte[] content, boolean stored) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (stored) {
            // as Spring Boot stores nested jars: uncompressed, sizes and CRC in the local header
            e.setMethod(ZipEntry.STORED);
            e.setSize(content.length);
            e.setCompressedSize(content.length);
            CRC32 crc = new CRC32();
            crc.update(content);
            e.setCrc(crc.getValue());
        }
        jar.putNextEntry(e);
        jar.write(content);
        jar.closeEntry();
    }

    /**
     * A minimal ELF file carrying a Go build info blob in the Go 1.18+ layout: the 14-byte magic, pointer size,
     * flags with the inline-strings bit, padding to 32 bytes, then the varint-length version and module strings, the
     * latter framed by 16 sentinel bytes on each side.
     */
    public static byte[] goBinary(String goVersion, String modText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        out.writeBytes(new byte[0x2000 - 7]); // headers and text the scanner skips
        out.writeBytes("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
        out.write(8);
        out.write(0x2);
        out.writeBytes(new byte[16]);
        writeString(out, goVersion.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream mod = new ByteArrayOutputStream();
        mod.writeBytes("0w\u00af\f\u0092t\b\u0002A\u00e1\u00c1\u0007\u00e6\u00d6\u0018\u00e6".getBytes(StandardCharsets.ISO_8859_1));
        mod.writeBytes(modText.getBytes(StandardCharsets.UTF_8));
        mod.writeBytes("\u00f92C1\u0086\u0018 r\u0000\u0082B\u0010A\u0016\u00d8\u00f2".getBytes(StandardCharsets.ISO_8859_1));
        writeString(out, mod.toByteArray());
        out.writeBytes(new byte[4096]);
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, byte[] s) {
        long n = s.length;
        while (n >= 0x80) {
            out.write((int) (n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out.write((int) n);
        out.writeBytes(s);
    }
}
