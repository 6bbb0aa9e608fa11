package io.jenkins.plugins.immutable.scan.version;

/**
 * Debian's ordering ({@code deb-version(7)}, dpkg's {@code verrevcmp}): {@code [epoch:]upstream[-revision]}. Epochs
 * compare numerically; upstream and revision alternate non-digit runs, compared character by character with
 * {@code ~} before everything (even the end), then the end, then letters, then other characters, and digit runs,
 * compared as numbers. A missing revision equals {@code 0}.
 */
final class DpkgVersionScheme implements VersionScheme {

    @Override
    public String name() {
        return "dpkg";
    }

    @Override
    public int compare(String a, String b) {
        Parsed pa = parse(a);
        Parsed pb = parse(b);
        int c = Long.compare(pa.epoch, pb.epoch);
        if (c != 0) {
            return c;
        }
        c = verrevcmp(pa.upstream, pb.upstream);
        if (c != 0) {
            return c;
        }
        return verrevcmp(pa.revision, pb.revision);
    }

    private record Parsed(long epoch, String upstream, String revision) {
    }

    private static Parsed parse(String version) {
        String v = version.strip();
        if (v.isEmpty()) {
            throw new InvalidVersionException("dpkg", version, "it is empty");
        }
        long epoch = 0;
        int colon = v.indexOf(':');
        if (colon >= 0) {
            String e = v.substring(0, colon);
            if (e.isEmpty() || !e.chars().allMatch(Character::isDigit) || e.length() > 9) {
                throw new InvalidVersionException("dpkg", version, "the epoch before ':' must be a number");
            }
            epoch = Long.parseLong(e);
            v = v.substring(colon + 1);
        }
        int dash = v.lastIndexOf('-');
        String upstream = dash >= 0 ? v.substring(0, dash) : v;
        String revision = dash >= 0 ? v.substring(dash + 1) : "";
        if (upstream.isEmpty()) {
            throw new InvalidVersionException("dpkg", version, "the upstream version is empty");
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (!(Character.isLetterOrDigit(ch) && ch < 128) && ".+-~:".indexOf(ch) < 0) {
                throw new InvalidVersionException("dpkg", version, "it contains '" + ch + "'");
            }
        }
        return new Parsed(epoch, upstream, revision);
    }

    /** dpkg's weight of one character in a non-digit run; 0 stands for the end of the run. */
    private static int order(char c) {
        if (Character.isDigit(c)) {
            return 0;
        }
        if (c < 128 && Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    private static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i)))
                    || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = i < a.length() ? order(a.charAt(i)) : 0;
                int bc = j < b.length() ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && Character.isDigit(a.charAt(i))
                    && j < b.length() && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }
}
