package io.jenkins.plugins.immutable.scan.catalog;

import io.jenkins.plugins.immutable.scan.version.VersionScheme;

/** The kinds of package the scanner finds, with their purl type, OSV ecosystem and version ordering. */
public enum PackageType {
    DEB("deb", "Debian", VersionScheme.DPKG, true),
    APK("apk", "Alpine", VersionScheme.APK, true),
    MAVEN("maven", "Maven", VersionScheme.MAVEN, false),
    NPM("npm", "npm", VersionScheme.SEMVER, false),
    PYPI("pypi", "PyPI", VersionScheme.PEP440, false),
    GO("golang", "Go", VersionScheme.GO, false);

    private final String purlType;
    private final String osvEcosystem;
    private final VersionScheme versions;
    private final boolean osPackage;

    PackageType(String purlType, String osvEcosystem, VersionScheme versions, boolean osPackage) {
        this.purlType = purlType;
        this.osvEcosystem = osvEcosystem;
        this.versions = versions;
        this.osPackage = osPackage;
    }

    public String purlType() {
        return purlType;
    }

    /** The OSV ecosystem without release ({@code Debian}); OS packages get their release from os-release. */
    public String osvEcosystem() {
        return osvEcosystem;
    }

    public VersionScheme versions() {
        return versions;
    }

    /** True for the distribution's own packages (dpkg, apk), whose vulnerabilities depend on the release. */
    public boolean isOsPackage() {
        return osPackage;
    }
}
