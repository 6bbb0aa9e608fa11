package io.jenkins.plugins.immutable.scan.version;

/**
 * Debian's ordering ({@code deb-version(7)}, dpkg's {@code verrevcmp}): {@code [epoch:]upstream[-revision]}. Epochs
 * compare numerically; upstream and revision alternate non-digit runs, compared character by character with
 * {@code ~} before everything (even the end), then the end, then letters, then other characters, and digit runs,
 * compared as numbers. A missing revision equals {@code 0}. Versions are read as dpkg reads them.
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

    /**
     * Reads a version as dpkg's {@code parseversion} does (lib/dpkg/parsehelp.c), refusing what dpkg refuses. What
     * dpkg only warns about (a version not starting with a digit, characters outside the allowed sets such as
     * {@code 1.0_1}) it still compares, and so does this scheme. Non-ASCII text is refused although dpkg only warns:
     * dpkg compares it byte by byte with a weight that depends on whether the machine's C {@code char} is signed,
     * so there is no one dpkg order to follow, and the matcher had better report the package than guess.
     */
    private static Parsed parse(String version) {
        if (version == null) {
            throw new InvalidVersionException("dpkg", "(nothing)", "no version given");
        }
        if (version.indexOf(0) >= 0) {
            // dpkg reads C strings, which end at a NUL: it would never see what follows.
            throw new InvalidVersionException("dpkg", version, "it contains a NUL character");
        }
        // dpkg trims blanks (space and tab) only, not other whitespace, and refuses blanks inside.
        int from = 0;
        int to = version.length();
        while (from < to && isBlank(version.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(version.charAt(to - 1))) {
            to--;
        }
        String v = version.substring(from, to);
        if (v.isEmpty()) {
            throw new InvalidVersionException("dpkg", version, "it is empty");
        }
        if (v.indexOf(' ') >= 0 || v.indexOf('\t') >= 0) {
            throw new InvalidVersionException("dpkg", version, "it has embedded spaces");
        }
        long epoch = 0;
        int colon = v.indexOf(':');
        if (colon >= 0) {
            epoch = epoch(version, v.substring(0, colon));
            v = v.substring(colon + 1);
            if (v.isEmpty()) {
                throw new InvalidVersionException("dpkg", version, "nothing follows the epoch's ':'");
            }
        }
        int dash = v.lastIndexOf('-');
        String upstream = dash >= 0 ? v.substring(0, dash) : v;
        String revision = dash >= 0 ? v.substring(dash + 1) : "";
        if (dash >= 0 && revision.isEmpty()) {
            throw new InvalidVersionException("dpkg", version, "the revision after the last '-' is empty; leave out"
                    + " the '-' or write a revision");
        }
        if (upstream.isEmpty()) {
            throw new InvalidVersionException("dpkg", version, "the upstream version is empty");
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 127) {
                throw new InvalidVersionException("dpkg", version, String.format("it contains U+%04X, which is not"
                        + " ASCII; dpkg orders non-ASCII bytes differently from one machine to another",
                        (int) v.charAt(i)));
            }
        }
        return new Parsed(epoch, upstream, revision);
    }

    /**
     * The epoch as dpkg reads it with C's {@code strtol}: optional leading whitespace and sign, then ASCII digits up
     * to the ':'; not negative, at most {@code INT_MAX}. Only ASCII digits count: an Arabic-Indic five is no epoch.
     */
    private static long epoch(String version, String text) {
        int i = 0;
        while (i < text.length() && " \t\n\u000b\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int digits = i;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        if (i < text.length()) {
            char c = text.charAt(i);
            String otherScript = Character.isDigit(c)
                    ? String.format(" (U+%04X is a digit of another script)", (int) c) : "";
            throw new InvalidVersionException("dpkg", version, "the epoch before ':' is "
                    + (i == digits ? "empty" : "not a number") + ": an epoch is ASCII digits 0-9" + otherScript);
        }
        if (i == digits) {
            throw new InvalidVersionException("dpkg", version, "the epoch before ':' is empty: an epoch is ASCII"
                    + " digits 0-9");
        }
        String number = text.substring(digits).replaceFirst("^0+(?=.)", "");
        boolean tooBig = number.length() > 10 || Long.parseLong(number) > Integer.MAX_VALUE;
        if (negative && !number.equals("0")) {
            throw new InvalidVersionException("dpkg", version, "the epoch is negative");
        }
        if (tooBig) {
            throw new InvalidVersionException("dpkg", version, "the epoch is larger than " + Integer.MAX_VALUE);
        }
        return Long.parseLong(number);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** C's {@code isdigit} in the C locale: ASCII only, unlike {@link Character#isDigit}. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** dpkg's weight of one character in a non-digit run; 0 stands for the end of the run. */
    private static int order(char c) {
        if (isDigit(c)) {
            return 0;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
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
            while ((i < a.length() && !isDigit(a.charAt(i)))
                    || (j < b.length() && !isDigit(b.charAt(j)))) {
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
            while (i < a.length() && isDigit(a.charAt(i))
                    && j < b.length() && isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }
}
