package io.jenkins.plugins.immutable.bake;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a layer's tar, byte for byte the same for the same entries on any machine: POSIX ustar headers with owner
 * 0:0 and no user or group names, the given time, the given mode, and PAX records only for what ustar cannot hold
 * (long names, large files), themselves stamped the same way. A general tar library stamps its PAX headers with the
 * current user and time; hence this small writer.
 */
final class ReproducibleTar implements AutoCloseable {

    private static final int BLOCK = 512;
    private static final long USTAR_MAX_SIZE = 077777777777L;

    private final OutputStream out;
    private final long mtimeSeconds;
    private final byte[] buffer = new byte[64 * 1024];

    ReproducibleTar(OutputStream out, long mtimeSeconds) {
        this.out = out;
        this.mtimeSeconds = mtimeSeconds;
    }

    void directory(String name, int mode) throws IOException {
        header(name.endsWith("/") ? name : name + "/", mode, 0, '5', "");
    }

    void symlink(String name, String target) throws IOException {
        header(name, 0777, 0, '2', target);
    }

    void file(String name, int mode, long size, InputStream content) throws IOException {
        header(name, mode, size, '0', "");
        long left = size;
        while (left > 0) {
            int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException(name + " became shorter while it was read; build from files nothing writes to");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        if (content.read() >= 0) {
            throw new IOException(name + " grew while it was read; build from files nothing writes to");
        }
        pad(size);
    }

    /** Ends the archive with the two zero blocks tar readers expect. */
    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        String ustarName = name;
        String prefix = "";
        StringBuilder pax = new StringBuilder();
        if (nameBytes.length > 100) {
            int split = splitForPrefix(name);
            if (split > 0) {
                prefix = name.substring(0, split);
                ustarName = name.substring(split + 1);
            } else {
                pax.append(record("path", name));
                ustarName = truncate(name, 100);
            }
        }
        if (linkBytes.length > 100) {
            pax.append(record("linkpath", link));
            link = truncate(link, 100);
        }
        if (size > USTAR_MAX_SIZE) {
            pax.append(record("size", Long.toString(size)));
        }
        if (!pax.isEmpty()) {
            byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
            String base = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            base = base.substring(base.lastIndexOf('/') + 1);
            out.write(block(truncate("PaxHeaders/" + base, 100), 0644, records.length, 'x', "", ""));
            out.write(records);
            pad(records.length);
        }
        out.write(block(ustarName, mode, size > USTAR_MAX_SIZE ? 0 : size, type, link, prefix));
    }

    /** Where a long name splits into ustar's 155-byte prefix and 100-byte name, or -1. */
    private static int splitForPrefix(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = Math.min(bytes.length - 1, 155); i > 0; i--) {
            if (bytes[i] == '/' && bytes.length - i - 1 <= 100 && bytes.length - i - 1 > 0) {
                // the split must fall on a character boundary, which '/' in UTF-8 always is
                return new String(bytes, 0, i, StandardCharsets.UTF_8).length();
            }
        }
        return -1;
    }

    private static String truncate(String s, int maxBytes) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return s;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // not inside a multi-byte character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** A PAX record: "<length> <key>=<value>\n", the length counting itself. */
    private static String record(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    private byte[] block(String name, int mode, long size, char type, String link, String prefix) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtimeSeconds);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar\0");
        put(h, 263, 2, "00");
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        put(h, 345, 155, prefix);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        put(h, 148, 6, checksum);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, h, offset, Math.min(bytes.length, length));
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        put(h, offset, length - 1, padded);
        h[offset + length - 1] = 0;
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }

    /**
     * A gzip stream whose header carries no time, no name and the same OS byte everywhere (255, unknown), so the
     * compressed layer depends only on the tar bytes and the deflate level.
     */
    static final class Gzip extends FilterOutputStream {
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final CRC32 crc = new CRC32();
        private final byte[] buffer = new byte[64 * 1024];
        private long size;
        private boolean finished;

        Gzip(OutputStream out) throws IOException {
            super(out);
            out.write(HEADER);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            crc.update(b, off, len);
            size += len;
            deflater.setInput(b, off, len);
            while (!deflater.needsInput()) {
                drain(Deflater.NO_FLUSH);
            }
        }

        private void drain(int flush) throws IOException {
            int n = deflater.deflate(buffer, 0, buffer.length, flush);
            if (n > 0) {
                out.write(buffer, 0, n);
            }
        }

        void finish() throws IOException {
            if (finished) {
                return;
            }
            finished = true;
            deflater.finish();
            while (!deflater.finished()) {
                drain(Deflater.NO_FLUSH);
            }
            deflater.end();
            long c = crc.getValue();
            int isize = (int) size;
            out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) isize, (byte) (isize >> 8), (byte) (isize >> 16), (byte) (isize >> 24)});
        }

        @Override
        public void close() throws IOException {
            finish();
            out.close();
        }
    }
}
