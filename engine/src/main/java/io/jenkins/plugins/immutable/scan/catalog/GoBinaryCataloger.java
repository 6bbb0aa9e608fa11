package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Go programs, from the build information the Go linker embeds in every binary (what {@code go version -m} prints):
 * the toolchain version (reported as the {@code stdlib} module, as OSV names it) and every module compiled in, with
 * {@code =>} replacements applied.
 *
 * <p>Go's {@code debug/buildinfo} finds the blob through the ELF headers; a streamed layer cannot seek, so this reads
 * the executable front to back and looks for the blob's header, {@code "\xff Go buildinf:"} at a 16-byte aligned
 * offset (the linker aligns it so, and the file offset keeps that alignment). Since Go 1.18 the header's flags byte has
 * bit 2 set and two varint-length strings follow the 32-byte header: the Go version, then the module text framed by
 * 16 sentinel bytes on each side. Older binaries point to those strings by address instead; they are reported as a
 * warning, not guessed at.
 */
final class GoBinaryCataloger implements Cataloger {

    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int HEADER = 32;
    private static final int ALIGN = 16;
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_MODINFO = 16 << 20;
    private static final int FLAGS_VERSION_INLINE = 0x2;

    @Override
    public String name() {
        return "go-binary";
    }

    @Override
    public boolean wants(LayerFile file) {
        return file.isExecutable() && file.size() > 4096;
    }

    @Override
    public List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException {
        byte[] elf = content.readNBytes(4);
        if (elf.length < 4 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            return List.of();
        }
        Blob blob = Blob.find(content);
        if (blob == null) {
            return List.of();
        }
        if ((blob.bytes[15] & FLAGS_VERSION_INLINE) == 0) {
            warnings.skip(file.path(), "built with Go older than 1.18, whose build information cannot be read"
                    + " from a stream; its modules are missing from the report");
            return List.of();
        }
        String goVersion = blob.nextString();
        String mod = goVersion == null ? null : blob.nextString();
        if (goVersion == null || mod == null) {
            warnings.skip(file.path(), "truncated Go build information; its modules are missing from the report");
            return List.of();
        }
        return packages(goVersion, mod, file.path());
    }

    /** The build information blob, from its magic on, read further from the stream as its strings need. */
    private static final class Blob {
        private final InputStream in;
        private byte[] bytes;
        private int pos = HEADER;

        private Blob(InputStream in, byte[] bytes) {
            this.in = in;
            this.bytes = bytes;
        }

        /** Reads the stream until the magic appears at an aligned file offset; null when it never does. */
        static Blob find(InputStream in) throws IOException {
            byte[] buf = new byte[CHUNK + HEADER];
            long bufStart = 4; // file offset of buf[0]: the 4-byte ELF magic was read already
            int len = 0;
            while (true) {
                int n = in.readNBytes(buf, len, buf.length - len);
                len += n;
                int p = (int) ((ALIGN - (bufStart % ALIGN)) % ALIGN);
                for (; p + HEADER <= len; p += ALIGN) {
                    if (buf[p] == MAGIC[0] && matches(buf, p)) {
                        return new Blob(in, Arrays.copyOfRange(buf, p, len));
                    }
                }
                if (n == 0) {
                    return null;
                }
                int keep = Math.max(0, len - p); // the unscanned tail, shorter than a header
                System.arraycopy(buf, len - keep, buf, 0, keep);
                bufStart += len - keep;
                len = keep;
            }
        }

        /** Decodes a uvarint-length string; null when the stream ends first or the length is absurd. */
        String nextString() throws IOException {
            long length = 0;
            int shift = 0;
            while (true) {
                if (!ensure(pos + 1)) {
                    return null;
                }
                int b = bytes[pos++] & 0xff;
                length |= (long) (b & 0x7f) << shift;
                if (b < 0x80) {
                    break;
                }
                shift += 7;
                if (shift > 35) {
                    return null;
                }
            }
            if (length > MAX_MODINFO || !ensure(pos + (int) length)) {
                return null;
            }
            String s = new String(bytes, pos, (int) length, StandardCharsets.UTF_8);
            pos += (int) length;
            return s;
        }

        private boolean ensure(int size) throws IOException {
            if (bytes.length < size) {
                byte[] more = in.readNBytes(size - bytes.length + CHUNK);
                byte[] next = Arrays.copyOf(bytes, bytes.length + more.length);
                System.arraycopy(more, 0, next, bytes.length, more.length);
                bytes = next;
            }
            return bytes.length >= size;
        }
    }

    private static boolean matches(byte[] buf, int p) {
        for (int i = 1; i < MAGIC.length; i++) {
            if (buf[p + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static List<InstalledPackage> packages(String goVersion, String rawMod, String location) {
        List<InstalledPackage> out = new ArrayList<>();
        String toolchain = goVersion.strip();
        for (String token : toolchain.split("\\s+")) {
            if (token.matches("go\\d.*")) {
                out.add(InstalledPackage.found(PackageType.GO, "stdlib", token, location));
                break;
            }
        }
        String mod = rawMod;
        if (mod.length() >= 33 && mod.charAt(mod.length() - 17) == '\n') {
            mod = mod.substring(16, mod.length() - 16); // strip the sentinels that frame the module text
        } else {
            mod = "";
        }
        InstalledPackage last = null;
        for (String line : mod.split("\n")) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "mod", "dep" -> {
                    last = null;
                    if (f.length >= 3 && !f[2].equals("(devel)") && !f[2].isEmpty()) {
                        last = InstalledPackage.found(PackageType.GO, f[1], f[2], location);
                        out.add(last);
                    }
                }
                case "=>" -> {
                    if (last != null) {
                        out.remove(last);
                        // A replacement with a version is the module compiled in; a local path replacement is the
                        // project's own code, not a published module.
                        if (f.length >= 3 && !f[2].isEmpty()) {
                            out.add(InstalledPackage.found(PackageType.GO, f[1], f[2], location));
                        }
                        last = null;
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }
}
