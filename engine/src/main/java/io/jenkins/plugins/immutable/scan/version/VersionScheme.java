package io.jenkins.plugins.immutable.scan.version;

import java.util.Comparator;
import java.util.Locale;

/**
 * How one packaging ecosystem orders its versions. Each implementation follows that ecosystem's own rules exactly
 * (dpkg's {@code verrevcmp}, apk-tools' tokenizer, SemVer 2.0 section 11, PEP 440, Maven's {@code ComparableVersion},
 * Go's module versions), because a vulnerability range is only as right as the ordering it is evaluated with.
 */
public interface VersionScheme extends Comparator<String> {

    /** The scheme's name as reports show it, for example {@code dpkg}. */
    String name();

    /**
     * Orders two versions: negative, zero or positive as {@code a} sorts before, equal to or after {@code b}.
     *
     * @throws InvalidVersionException when either string is not a version of this scheme
     */
    @Override
    int compare(String a, String b);

    /** True when the text parses as a version of this scheme. */
    default boolean isValid(String version) {
        try {
            compare(version, version);
            return true;
        } catch (InvalidVersionException e) {
            return false;
        }
    }

    VersionScheme DPKG = new DpkgVersionScheme();
    VersionScheme APK = new ApkVersionScheme();
    VersionScheme SEMVER = new SemVerScheme();
    VersionScheme PEP440 = new Pep440Scheme();
    VersionScheme MAVEN = new MavenVersionScheme();
    VersionScheme GO = new GoVersionScheme();

    /**
     * The ordering an OSV ecosystem uses for its {@code ECOSYSTEM} ranges, from the ecosystem string with or without
     * its release suffix ({@code Debian:12}, {@code Alpine:v3.20}, {@code Ubuntu:22.04:LTS}); null when this scanner
     * does not know the ecosystem.
     */
    static VersionScheme forOsvEcosystem(String ecosystem) {
        int colon = ecosystem.indexOf(':');
        String base = (colon < 0 ? ecosystem : ecosystem.substring(0, colon)).toLowerCase(Locale.ROOT);
        switch (base) {
            case "debian":
            case "ubuntu":
                return DPKG;
            case "alpine":
                return APK;
            case "npm":
                return SEMVER;
            case "pypi":
                return PEP440;
            case "maven":
                return MAVEN;
            case "go":
                return GO;
            default:
                return null;
        }
    }
}
