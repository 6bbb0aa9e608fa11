package io.jenkins.plugins.immutable.scan.version;

import java.math.BigInteger;

/**
 * Alpine's ordering as apk-tools (2.14 and 3) tokenizes it: {@code digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}}.
 * Tokens compare pairwise while both versions have a token of the same kind: numbers numerically, except that a
 * dotted number with a leading zero compares as a string (as Gentoo does); letters by character; suffixes in the order
 * {@code alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p}; commit hashes as strings. When one version
 * runs out of tokens first, a pre-release suffix on the other makes that one smaller; otherwise the version whose
 * next token comes earlier in the grammar (for example {@code .digit} before {@code -r}) is the greater.
 */
final class ApkVersionScheme implements VersionScheme {

    // Token kinds in grammar order: comparing kinds when the versions diverge relies on this order.
    private static final int INITIAL_DIGIT = 0;
    private static final int DIGIT = 1;
    private static final int LETTER = 2;
    private static final int SUFFIX = 3;
    private static final int SUFFIX_NO = 4;
    private static final int COMMIT_HASH = 5;
    private static final int REVISION_NO = 6;
    private static final int END = 7;
    private static final int INVALID = 8;

    private static final String[] SUFFIXES = {"alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"};
    private static final int SUFFIX_NONE = 4;

    @Override
    public String name() {
        return "apk";
    }

    @Override
    public boolean isValid(String version) {
        Tokenizer t = new Tokenizer(version);
        t.first();
        while (t.kind < END) {
            t.next();
        }
        return t.kind == END;
    }

    @Override
    public int compare(String a, String b) {
        if (!isValid(a)) {
            throw new InvalidVersionException("apk", a, "it does not follow digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}");
        }
        if (!isValid(b)) {
            throw new InvalidVersionException("apk", b, "it does not follow digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}");
        }
        Tokenizer ta = new Tokenizer(a);
        Tokenizer tb = new Tokenizer(b);
        ta.first();
        tb.first();
        while (ta.kind == tb.kind && ta.kind < END) {
            int r = compareTokens(ta, tb);
            if (r != 0) {
                return r;
            }
            ta.next();
            tb.next();
        }
        if (ta.kind == tb.kind) {
            return 0;
        }
        if (ta.kind == SUFFIX && ta.suffix < SUFFIX_NONE) {
            return -1;
        }
        if (tb.kind == SUFFIX && tb.suffix < SUFFIX_NONE) {
            return 1;
        }
        return ta.kind > tb.kind ? -1 : 1;
    }

    private static int compareTokens(Tokenizer a, Tokenizer b) {
        switch (a.kind) {
            case DIGIT:
                if (a.value.charAt(0) == '0' || b.value.charAt(0) == '0') {
                    return Integer.signum(blobSort(a.value, b.value));
                }
                return a.number.compareTo(b.number);
            case INITIAL_DIGIT:
            case SUFFIX_NO:
            case REVISION_NO:
                return a.number.compareTo(b.number);
            case LETTER:
                return Character.compare(a.value.charAt(0), b.value.charAt(0));
            case SUFFIX:
                return Integer.compare(a.suffix, b.suffix);
            default:
                return Integer.signum(blobSort(a.value, b.value));
        }
    }

    /** apk's blob order: bytes up to the shorter length, then the shorter first. */
    private static int blobSort(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int c = Character.compare(a.charAt(i), b.charAt(i));
            if (c != 0) {
                return c;
            }
        }
        return a.length() - b.length();
    }

    private static final class Tokenizer {
        private final String s;
        private int pos;
        int kind;
        int suffix;
        BigInteger number = BigInteger.ZERO;
        String value = "";

        Tokenizer(String s) {
            this.s = s;
        }

        void first() {
            kind = INITIAL_DIGIT;
            parseDigits();
        }

        private void parseDigits() {
            int start = pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
            value = s.substring(start, pos);
            if (value.isEmpty()) {
                kind = INVALID;
            } else {
                number = new BigInteger(value);
            }
        }

        void next() {
            if (pos >= s.length()) {
                kind = END;
                return;
            }
            char c = s.charAt(pos);
            if (c >= 'a' && c <= 'z') {
                if (kind > DIGIT) {
                    kind = INVALID;
                    return;
                }
                value = String.valueOf(c);
                kind = LETTER;
                pos++;
            } else if (c == '.' || isDigit(c)) {
                if (c == '.') {
                    if (kind > DIGIT) {
                        kind = INVALID;
                        return;
                    }
                    pos++;
                }
                if (kind == INITIAL_DIGIT || kind == DIGIT) {
                    kind = DIGIT;
                } else if (kind == SUFFIX) {
                    kind = SUFFIX_NO;
                } else {
                    kind = INVALID;
                    return;
                }
                parseDigits();
            } else if (c == '_') {
                if (kind > SUFFIX_NO) {
                    kind = INVALID;
                    return;
                }
                pos++;
                int start = pos;
                while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
                    pos++;
                }
                value = s.substring(start, pos);
                suffix = suffixValue(value);
                kind = suffix < 0 ? INVALID : SUFFIX;
            } else if (c == '~') {
                if (kind >= COMMIT_HASH) {
                    kind = INVALID;
                    return;
                }
                pos++;
                int start = pos;
                while (pos < s.length() && isHex(s.charAt(pos))) {
                    pos++;
                }
                value = s.substring(start, pos);
                kind = value.isEmpty() ? INVALID : COMMIT_HASH;
            } else if (c == '-') {
                if (kind >= REVISION_NO || !s.startsWith("-r", pos)) {
                    kind = INVALID;
                    return;
                }
                pos += 2;
                kind = REVISION_NO;
                parseDigits();
            } else {
                kind = INVALID;
            }
        }

        private static int suffixValue(String text) {
            for (int i = 0; i < SUFFIXES.length; i++) {
                if (i != SUFFIX_NONE && SUFFIXES[i].equals(text)) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isHex(char c) {
            return isDigit(c) || (c >= 'a' && c <= 'f');
        }
    }
}
