package io.jenkins.plugins.immutable.scan.layer;

import java.util.ArrayDeque;
import java.util.Deque;

/** Normalises tar entry names to image paths, refusing the ones that climb out of the image root. */
final class EntryPaths {

    private EntryPaths() {
    }

    /**
     * {@code ./usr//lib/./x} becomes {@code usr/lib/x}; a leading {@code /} is dropped (an absolute name means the
     * image root, as Docker reads it). A {@code ..} that would climb above the root throws, unless
     * {@code clampAtRoot} (how a symlink target resolves: {@code /..} is {@code /}).
     */
    static String normalize(String name, boolean clampAtRoot) {
        Deque<String> parts = new ArrayDeque<>();
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            String part = name.substring(start, end);
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    if (!clampAtRoot) {
                        throw new IllegalArgumentException(name);
                    }
                } else {
                    parts.removeLast();
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return String.join("/", parts);
    }
}
