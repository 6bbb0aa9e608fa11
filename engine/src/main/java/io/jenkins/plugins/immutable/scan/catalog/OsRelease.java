package io.jenkins.plugins.immutable.scan.catalog;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The distribution an image is built on, from {@code etc/os-release} (or {@code usr/lib/os-release}): its {@code ID},
 * {@code VERSION_ID}, {@code VERSION_CODENAME}, {@code PRETTY_NAME}. It decides which release's advisories apply to
 * the OS packages: Debian 12 packages are matched in {@code Debian:12}, Alpine 3.20.3 ones in {@code Alpine:v3.20}.
 */
public record OsRelease(String id, String versionId, String versionCodename, String prettyName, String idLike) {

    /** No os-release file: a scratch or distroless-static image, or one whose OS cannot be told. */
    public static final OsRelease UNKNOWN = new OsRelease("", "", "", "", "");

    /** Parses the {@code KEY=value} lines of os-release(5), with shell-style quotes. */
    public static OsRelease parse(String text) {
        Map<String, String> values = new HashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            values.put(line.substring(0, eq).strip(), value);
        }
        return new OsRelease(values.getOrDefault("ID", "").toLowerCase(Locale.ROOT), values.getOrDefault("VERSION_ID", ""),
                values.getOrDefault("VERSION_CODENAME", ""), values.getOrDefault("PRETTY_NAME", ""),
                values.getOrDefault("ID_LIKE", ""));
    }

    public boolean isKnown() {
        return !id.isEmpty();
    }

    /**
     * The OSV ecosystems whose advisories apply to this OS's packages of the given type, most specific first; empty
     * when the release cannot be told (the package is then matched against nothing, and the report says why).
     */
    public java.util.List<String> osvEcosystems(PackageType type) {
        if (type == PackageType.DEB && id.equals("debian") && !versionId.isEmpty()) {
            return java.util.List.of("Debian:" + versionId.split("\\.")[0]);
        }
        if (type == PackageType.DEB && id.equals("ubuntu") && !versionId.isEmpty()) {
            return java.util.List.of("Ubuntu:" + versionId, "Ubuntu:" + versionId + ":LTS");
        }
        if (type == PackageType.APK && id.equals("alpine") && !versionId.isEmpty()) {
            String[] parts = versionId.split("\\.");
            return java.util.List.of("Alpine:v" + parts[0] + (parts.length > 1 ? "." + parts[1] : ""));
        }
        return java.util.List.of();
    }

    /** The purl {@code distro} qualifier, {@code debian-12} or {@code alpine-3.20.3}. */
    public String purlDistro() {
        return isKnown() && !versionId.isEmpty() ? id + "-" + versionId : id;
    }

    @Override
    public String toString() {
        return prettyName.isEmpty() ? (id + " " + versionId).strip() : prettyName;
    }
}
