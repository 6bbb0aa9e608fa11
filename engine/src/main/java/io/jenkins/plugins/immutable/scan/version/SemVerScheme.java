package io.jenkins.plugins.immutable.scan.version;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SemVer 2.0.0 precedence (section 11), as npm's node-semver applies it: major, minor and patch numerically; a
 * pre-release sorts before its release; pre-release identifiers compare one by one, numeric ones numerically and
 * before alphanumeric ones, which compare in ASCII order; a shorter identifier list sorts first when all before are
 * equal; build metadata is ignored. Like node-semver, a leading {@code v} is accepted.
 */
final class SemVerScheme implements VersionScheme {

    private static final Pattern SEMVER = Pattern.compile(
            "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
                    + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$");

    @Override
    public String name() {
        return "semver";
    }

    @Override
    public int compare(String a, String b) {
        return compareParsed(parse(a), parse(b));
    }

    /** A parsed semantic version; {@code pre} is null for a release. */
    record Parsed(BigInteger major, BigInteger minor, BigInteger patch, String[] pre) {
    }

    static Parsed parse(String version) {
        Matcher m = SEMVER.matcher(version.strip());
        if (!m.matches()) {
            throw new InvalidVersionException("semver", version, "expected MAJOR.MINOR.PATCH[-prerelease][+build]");
        }
        return new Parsed(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                m.group(4) == null ? null : m.group(4).split("\\.", -1));
    }

    static int compareParsed(Parsed a, Parsed b) {
        int c = a.major.compareTo(b.major);
        if (c == 0) {
            c = a.minor.compareTo(b.minor);
        }
        if (c == 0) {
            c = a.patch.compareTo(b.patch);
        }
        if (c != 0) {
            return c;
        }
        if (a.pre == null || b.pre == null) {
            return a.pre == null ? (b.pre == null ? 0 : 1) : -1;
        }
        for (int i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
            c = compareIdentifier(a.pre[i], b.pre[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.pre.length, b.pre.length);
    }

    private static int compareIdentifier(String x, String y) {
        boolean xn = isNumeric(x);
        boolean yn = isNumeric(y);
        if (xn && yn) {
            return new BigInteger(x).compareTo(new BigInteger(y));
        }
        if (xn != yn) {
            return xn ? -1 : 1;
        }
        return Integer.signum(x.compareTo(y));
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }
}
