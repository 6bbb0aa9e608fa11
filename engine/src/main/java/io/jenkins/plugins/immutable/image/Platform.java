package io.jenkins.plugins.immutable.image;

import java.io.Serializable;
import io.jenkins.plugins.immutable.EngineException;
import java.util.List;
import java.util.Objects;

/**
 * The platform an image in an index runs on, as the OCI index writes it.
 *
 * @param os           for example {@code linux}
 * @param architecture for example {@code amd64}, {@code arm64}
 * @param variant      for example {@code v8}, or null
 * @param osVersion    {@code os.version}, or null
 * @param osFeatures   {@code os.features}, never null
 */
public record Platform(String os, String architecture, String variant, String osVersion, List<String> osFeatures) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Platform {
        if (os == null || os.isBlank() || architecture == null || architecture.isBlank()) {
            throw EngineException.badInput("a platform needs an os and an architecture, for example linux/amd64");
        }
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    public Platform(String os, String architecture) {
        this(os, architecture, null, null, List.of());
    }

    /** Parses {@code os/architecture[/variant]}, as {@code docker --platform} takes it. */
    public static Platform parse(String text) {
        Objects.requireNonNull(text, "platform");
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || (parts.length == 3 && parts[2].isEmpty())) {
            throw EngineException.badInput("'" + text + "' is not a platform; write os/architecture[/variant],"
                    + " for example linux/amd64 or linux/arm64/v8");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null, null, List.of());
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
