package io.jenkins.plugins.immutable.scan.catalog;

import java.util.Objects;

/**
 * A package found in an image.
 *
 * @param type what kind of package
 * @param name the name as its ecosystem writes it: a Debian or Alpine binary package, {@code groupId:artifactId}, an
 *     npm name with its scope ({@code @types/node}), a PyPI project, a Go module path ({@code stdlib} for Go itself)
 * @param version its version, in the ecosystem's syntax
 * @param sourceName the source package a distribution's advisories name (Debian {@code Source:}, Alpine origin);
 *     the name itself for other packages
 * @param sourceVersion the source package's version (Debian writes it when it differs from the binary's)
 * @param arch the architecture an OS package was built for, null when not recorded
 * @param ecosystem the OSV ecosystem to match it in, with the distribution release for OS packages
 *     ({@code Debian:12}, {@code Alpine:v3.20}); the bare ecosystem when the release is unknown
 * @param purl its package URL
 * @param location where in the image it was found ({@code app/app.jar!/BOOT-INF/lib/x.jar} for nested archives)
 * @param layer the layer that put it there
 */
public record InstalledPackage(PackageType type, String name, String version, String sourceName,
        String sourceVersion, String arch, String ecosystem, String purl, String location, String layer) {

    public InstalledPackage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        sourceName = sourceName == null ? name : sourceName;
        sourceVersion = sourceVersion == null ? version : sourceVersion;
        ecosystem = ecosystem == null ? type.osvEcosystem() : ecosystem;
        Objects.requireNonNull(location, "location");
    }

    /** A package as a cataloger finds it; the ecosystem release and purl come later, from os-release. */
    public static InstalledPackage found(PackageType type, String name, String version, String location) {
        return new InstalledPackage(type, name, version, null, null, null, null, null, location, null);
    }

    public InstalledPackage withSource(String source, String version, String arch) {
        return new InstalledPackage(type, name, this.version, source, version, arch, ecosystem, purl, location, layer);
    }

    public InstalledPackage withLayer(String layer) {
        return new InstalledPackage(type, name, version, sourceName, sourceVersion, arch, ecosystem, purl, location,
                layer);
    }

    public InstalledPackage withEcosystem(String ecosystem, String purl) {
        return new InstalledPackage(type, name, version, sourceName, sourceVersion, arch, ecosystem, purl, location,
                layer);
    }

    /** {@code name@version}, as logs and reports show a package. */
    public String coordinates() {
        return name + "@" + version;
    }
}
