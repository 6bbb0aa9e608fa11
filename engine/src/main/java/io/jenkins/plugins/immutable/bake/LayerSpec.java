package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One layer of a daemonless image: files and directories of the build machine and where they go in the image. Give
 * things that change at different rates their own layers (dependencies, the application jar, configuration), so that a
 * change re-pushes only the layer it touches.
 *
 * @param name    what the layer holds, for the log and the provenance ({@code dependencies}, {@code app})
 * @param entries what goes in, in any order (the layer is sorted)
 */
public record LayerSpec(String name, List<Entry> entries) {

    /**
     * A file or directory and its place in the image.
     *
     * @param source        a file, a directory (its contents go under {@code containerPath}) or a symbolic link
     * @param containerPath an absolute path in the image; ending in {@code /} puts a file into that directory
     */
    public record Entry(Path source, String containerPath) {
        public Entry {
            Objects.requireNonNull(source, "source");
            if (containerPath == null || !containerPath.startsWith("/")) {
                throw EngineException.badInput("'" + containerPath + "' is not an absolute path in the image; write"
                        + " where " + source + " goes as /app/... ");
            }
            for (String element : containerPath.split("/")) {
                if (element.equals("..") || element.equals(".")) {
                    throw EngineException.badInput("'" + containerPath + "' must not contain '.' or '..'; write the"
                            + " path in the image plainly");
                }
            }
        }
    }

    public LayerSpec {
        if (name == null || name.isBlank()) {
            throw EngineException.badInput("a layer needs a name (dependencies, app, config...)");
        }
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw EngineException.badInput("the layer '" + name + "' has nothing in it; give it files or directories");
        }
    }

    /** A layer of one file or directory. */
    public static LayerSpec of(String name, Path source, String containerPath) {
        return new LayerSpec(name, List.of(new Entry(source, containerPath)));
    }

    /** A layer of several files or directories, given as source/container-path pairs. */
    public static LayerSpec of(String name, Object... sourceThenPath) {
        if (sourceThenPath.length % 2 != 0) {
            throw new IllegalArgumentException("give pairs of source path and container path");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < sourceThenPath.length; i += 2) {
            entries.add(new Entry((Path) sourceThenPath[i], (String) sourceThenPath[i + 1]));
        }
        return new LayerSpec(name, entries);
    }
}
