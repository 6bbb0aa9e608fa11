package io.jenkins.plugins.immutable.scan.layer;

/**
 * One tar entry of a layer as the scanner sees it: its path inside the image (relative, normalised, never escaping the
 * root: {@code usr/lib/os-release}), type, size, permission bits, link target, and which layer (0 = the base) holds it.
 */
public record LayerFile(String path, Type type, long size, int mode, String linkTarget, int layerIndex,
        String layerName) {

    public enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

    /** The last path segment, {@code os-release} for {@code etc/os-release}. */
    public String fileName() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** True for a regular file with an execute bit set. */
    public boolean isExecutable() {
        return type == Type.FILE && (mode & 0111) != 0;
    }
}
