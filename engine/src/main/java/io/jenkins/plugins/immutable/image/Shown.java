package io.jenkins.plugins.immutable.image;

/**
 * How error messages show text someone typed or pasted: quoted, cut after {@value #MAX_SHOWN} characters with the full
 * length said, and with control and invisible characters escaped. A reference can come from a pipeline parameter or a
 * webhook, and its message goes to a build log or a terminal: a 100,000-character tag would flood them, and a newline,
 * an escape sequence or a right-to-left override would let the input forge what the log seems to say.
 */
final class Shown {

    /** How many characters of the input a message shows; enough to recognise what was meant. */
    static final int MAX_SHOWN = 80;

    private Shown() {
    }

    /** The text in single quotes, truncated and escaped as the class comment says. */
    static String quote(String text) {
        if (text == null) {
            return "(nothing)";
        }
        int length = text.codePointCount(0, text.length());
        String head = text;
        if (length > MAX_SHOWN) {
            // Cut by code points, so a surrogate pair is never split into two lone halves.
            head = text.substring(0, text.offsetByCodePoints(0, MAX_SHOWN));
        }
        StringBuilder out = new StringBuilder(head.length() + 24).append('\'');
        head.codePoints().forEach(c -> escape(c, out));
        out.append('\'');
        if (length > MAX_SHOWN) {
            out.append("\u2026 (").append(length).append(" characters)");
        }
        return out.toString();
    }

    private static void escape(int c, StringBuilder out) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            // A backslash is escaped too, so that a literal "\n" in the input cannot pass for an escaped newline.
            case '\\' -> out.append("\\\\");
            default -> {
                if (isInvisible(c)) {
                    out.append(c <= 0xFFFF ? String.format("\\u%04x", c) : String.format("\\u{%x}", c));
                } else {
                    out.appendCodePoint(c);
                }
            }
        }
    }

    /** Characters a reader cannot see or that change how the rest of the line displays. */
    private static boolean isInvisible(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            case Character.SPACE_SEPARATOR -> c != ' ';
            default -> false;
        };
    }
}
