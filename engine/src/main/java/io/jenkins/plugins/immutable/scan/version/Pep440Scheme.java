package io.jenkins.plugins.immutable.scan.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's version ordering (PEP 440, as the {@code packaging} library keys it):
 * {@code [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]} with the spec's alternative spellings normalised
 * ({@code alpha}, {@code c}, {@code pre}, {@code rev}, {@code -N} post releases, separators, case). Order: epoch, then
 * the release with trailing zeros ignored, then a developmental release of a final version before its pre-releases,
 * pre-releases {@code a < b < rc} before the final release, post-releases after it, a {@code .devN} before the
 * version it develops, and a local label after the public version it labels (numeric segments after alphanumeric
 * ones).
 */
final class Pep440Scheme implements VersionScheme {

    private static final Pattern PEP440 = Pattern.compile(
            "^v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)"
                    + "(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\\d+)?)?"
                    + "(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?"
                    + "(?:[-_.]?(dev)[-_.]?(\\d+)?)?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$");

    @Override
    public String name() {
        return "pep440";
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    private record Key(BigInteger epoch, List<BigInteger> release, int preRank, BigInteger preNumber,
            BigInteger post, BigInteger dev, List<String> local) implements Comparable<Key> {

        // preRank: -1 a dev release of a final version (before any pre-release), 0 a, 1 b, 2 rc, 3 none.
        @Override
        public int compareTo(Key o) {
            int c = epoch.compareTo(o.epoch);
            if (c != 0) {
                return c;
            }
            c = compareRelease(release, o.release);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(preRank, o.preRank);
            if (c != 0) {
                return c;
            }
            c = preNumber.compareTo(o.preNumber);
            if (c != 0) {
                return c;
            }
            c = compareMissingLow(post, o.post);
            if (c != 0) {
                return c;
            }
            c = compareMissingHigh(dev, o.dev);
            if (c != 0) {
                return c;
            }
            return compareLocal(local, o.local);
        }
    }

    private static Key parse(String version) {
        Matcher m = PEP440.matcher(version.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidVersionException("PEP 440", version, "expected [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]");
        }
        BigInteger epoch = m.group(1) == null ? BigInteger.ZERO : new BigInteger(m.group(1));
        List<BigInteger> release = new ArrayList<>();
        for (String part : m.group(2).split("\\.")) {
            release.add(new BigInteger(part));
        }
        while (release.size() > 1 && release.get(release.size() - 1).signum() == 0) {
            release.remove(release.size() - 1);
        }
        BigInteger post = m.group(5) != null ? new BigInteger(m.group(5))
                : m.group(6) != null ? number(m.group(7)) : null;
        BigInteger dev = m.group(8) != null ? number(m.group(9)) : null;
        int preRank;
        BigInteger preNumber = BigInteger.ZERO;
        if (m.group(3) != null) {
            preRank = switch (m.group(3)) {
                case "a", "alpha" -> 0;
                case "b", "beta" -> 1;
                default -> 2;
            };
            preNumber = number(m.group(4));
        } else if (post == null && dev != null) {
            preRank = -1;
        } else {
            preRank = 3;
        }
        List<String> local = m.group(10) == null ? null : List.of(m.group(10).split("[-_.]"));
        return new Key(epoch, release, preRank, preNumber, post, dev, local);
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }

    private static int compareRelease(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareMissingLow(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static int compareMissingHigh(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? 1 : -1;
        }
        return a.compareTo(b);
    }

    private static int compareLocal(List<String> a, List<String> b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? -1 : 1;
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            boolean xn = x.chars().allMatch(Character::isDigit);
            boolean yn = y.chars().allMatch(Character::isDigit);
            int c;
            if (xn && yn) {
                c = new BigInteger(x).compareTo(new BigInteger(y));
            } else if (xn != yn) {
                c = xn ? 1 : -1;
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
