package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of a {@code .dockerignore} file, matched as the Docker CLI matches them when it sends a build context, so
 * that a context built here holds exactly the files {@code docker build} would send.
 *
 * <p>The rules, as Docker defines them: a line starting with {@code #} is a comment; lines are trimmed; a leading
 * {@code !} makes an exception that re-includes what earlier lines excluded; patterns are cleaned like paths and a
 * leading {@code /} is dropped; {@code *} and {@code ?} match within one path element, {@code [...]} is a character
 * class, {@code \} escapes, {@code **} matches any number of directories; a pattern that matches a directory excludes
 * everything under it; the last matching line wins.
 */
public final class DockerIgnore {

    /** One cleaned pattern; {@code exception} for the {@code !} lines. */
    record Rule(String pattern, boolean exception, int line, Kind kind, Pattern regex) {

        enum Kind { EXACT, PREFIX, SUFFIX, REGEX }

        boolean matches(String path) {
            return switch (kind) {
                case EXACT -> path.equals(pattern);
                case PREFIX -> path.startsWith(pattern.substring(0, pattern.length() - 2));
                case SUFFIX -> {
                    String suffix = pattern.substring(2);
                    yield path.endsWith(suffix) || (suffix.startsWith("/") && path.equals(suffix.substring(1)));
                }
                case REGEX -> regex.matcher(path).matches();
            };
        }
    }

    private static final DockerIgnore EMPTY = new DockerIgnore(List.of());

    private final List<Rule> rules;
    private final boolean hasExceptions;

    private DockerIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.hasExceptions = rules.stream().anyMatch(Rule::exception);
    }

    /** Excludes nothing. */
    public static DockerIgnore none() {
        return EMPTY;
    }

    /** Parses the text of a {@code .dockerignore} file; a malformed pattern is refused, naming its line. */
    public static DockerIgnore parse(String text) {
        List<String> lines = new ArrayList<>();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        text.lines().forEach(lines::add);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.startsWith("#")) {
                continue;
            }
            String pattern = raw.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exception = pattern.charAt(0) == '!';
            if (exception) {
                pattern = pattern.substring(1).strip();
                if (pattern.isEmpty()) {
                    throw EngineException.badInput(".dockerignore line " + (i + 1)
                            + ": '!' alone is not a pattern; write the path to re-include after it, as in '!keep.txt'");
                }
            }
            pattern = cleanPath(pattern);
            if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                pattern = pattern.substring(1);
            }
            rules.add(compile(pattern, exception, i + 1));
        }
        return new DockerIgnore(rules);
    }

    /** This file's rules followed by one more exception, as the CLI adds for the Dockerfile and .dockerignore. */
    DockerIgnore withException(String path) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(compile(cleanPath(path), true, 0));
        return new DockerIgnore(more);
    }

    List<Rule> rules() {
        return rules;
    }

    boolean hasExceptions() {
        return hasExceptions;
    }

    /**
     * Whether the slash-separated path, relative to the context, is excluded: the last rule that matches the path or
     * one of its parent directories decides.
     */
    public boolean excludes(String path) {
        path = cleanPath(path);
        if (path.equals(".")) {
            return false;
        }
        boolean[] excluded = new boolean[1];
        matchUsingParent(path, null, excluded);
        return excluded[0];
    }

    /**
     * Matches one path given which rules its parent directory matched, as the CLI does while it walks the context.
     * Returns the rules this path matched (for its children), and whether it is excluded in {@code excluded[0]}.
     */
    boolean[] matchUsingParent(String path, boolean[] parentMatched, boolean[] excluded) {
        boolean matched = false;
        boolean[] mine = new boolean[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            boolean match = parentMatched != null && parentMatched[i];
            if (!match) {
                // As Docker does: an exclusion is tested only while nothing excludes, an exception only once
                // something does.
                if (rule.exception() != matched) {
                    continue;
                }
                // Without the parent's results, the parent directories are tested here.
                match = rule.matches(path) || parentMatched == null && parentMatches(rule, path);
            }
            mine[i] = match;
            if (match) {
                matched = !rule.exception();
            }
        }
        excluded[0] = matched;
        return mine;
    }

    private static boolean parentMatches(Rule rule, String path) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (rule.matches(path.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /** Compiles a pattern as Docker does: plain text, a prefix ({@code dir/**}), a suffix ({@code **}/x) or a regex. */
    private static Rule compile(String pattern, boolean exception, int line) {
        checkSyntax(pattern, line);
        StringBuilder regex = new StringBuilder("^");
        Rule.Kind kind = Rule.Kind.EXACT;
        int[] cps = pattern.codePoints().toArray();
        for (int i = 0, step = 0; i < cps.length; i++, step++) {
            int ch = cps[i];
            if (ch == '*') {
                if (i + 1 < cps.length && cps[i + 1] == '*') {
                    i++;
                    if (i + 1 < cps.length && cps[i + 1] == '/') {
                        i++;
                    }
                    if (i + 1 >= cps.length) {
                        if (kind == Rule.Kind.EXACT) {
                            kind = Rule.Kind.PREFIX;
                        } else {
                            regex.append(".*");
                            kind = Rule.Kind.REGEX;
                        }
                    } else {
                        regex.append("(.*/)?");
                        kind = Rule.Kind.REGEX;
                    }
                    if (step == 0) {
                        kind = Rule.Kind.SUFFIX;
                    }
                } else {
                    regex.append("[^/]*");
                    kind = Rule.Kind.REGEX;
                }
            } else if (ch == '?') {
                regex.append("[^/]");
                kind = Rule.Kind.REGEX;
            } else if (".+()|{}$".indexOf(ch) >= 0) {
                regex.append('\\').appendCodePoint(ch);
            } else if (ch == '\\') {
                if (i + 1 < cps.length) {
                    regex.append(escaped(cps[++i]));
                    kind = Rule.Kind.REGEX;
                } else {
                    regex.append("\\\\");
                }
            } else if (ch == '[' || ch == ']') {
                regex.appendCodePoint(ch);
                kind = Rule.Kind.REGEX;
            } else if (ch == '&') {
                // Java reads "&&" in a class as an intersection; Go's syntax has none, so '&' is always literal.
                regex.append("\\&");
            } else {
                regex.appendCodePoint(ch);
            }
        }
        Pattern compiled = null;
        if (kind == Rule.Kind.REGEX) {
            regex.append('$');
            try {
                compiled = Pattern.compile(regex.toString());
            } catch (RuntimeException e) {
                throw badPattern(pattern, line, "it is not a valid pattern");
            }
        }
        return new Rule(pattern, exception, line, kind, compiled);
    }

    /** An escaped character: the classes both regex dialects share keep their meaning, anything else is literal. */
    private static String escaped(int ch) {
        if ("dDsSwW".indexOf(ch) >= 0) {
            return "\\" + (char) ch;
        }
        if (Character.isLetterOrDigit(ch)) {
            return new String(Character.toChars(ch));
        }
        return "\\" + new String(Character.toChars(ch));
    }

    /** Refuses what Go's path matcher calls a bad pattern: an unclosed or malformed class, a trailing escape. */
    private static void checkSyntax(String pattern, int line) {
        int[] cps = pattern.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int ch = cps[i];
            if (ch == '\\') {
                if (++i >= cps.length) {
                    throw badPattern(pattern, line, "it ends with an escape character '\\'");
                }
            } else if (ch == '[') {
                i++;
                if (i < cps.length && cps[i] == '^') {
                    i++;
                }
                int ranges = 0;
                while (true) {
                    if (i >= cps.length) {
                        throw badPattern(pattern, line, "a '[' class is not closed with ']'");
                    }
                    if (cps[i] == ']' && ranges > 0) {
                        break;
                    }
                    i = classChar(cps, i, pattern, line);
                    if (i < cps.length && cps[i] == '-') {
                        i = classChar(cps, i + 1, pattern, line);
                    }
                    ranges++;
                }
            }
        }
    }

    /** Reads one character of a class at {@code i}, returning the index after it. */
    private static int classChar(int[] cps, int i, String pattern, int line) {
        if (i >= cps.length) {
            throw badPattern(pattern, line, "a '[' class is not closed with ']'");
        }
        if (cps[i] == '-' || cps[i] == ']') {
            throw badPattern(pattern, line, "'" + (char) cps[i] + "' must be escaped inside a '[...]' class");
        }
        if (cps[i] == '\\') {
            i++;
            if (i >= cps.length) {
                throw badPattern(pattern, line, "it ends with an escape character '\\'");
            }
        }
        return i + 1;
    }

    private static EngineException badPattern(String pattern, int line, String why) {
        return EngineException.badInput((line > 0 ? ".dockerignore line " + line : ".dockerignore") + ": the pattern '"
                + pattern + "' is malformed: " + why + "; fix the pattern (escape special characters with '\\')");
    }

    /** Go's {@code filepath.Clean} on a slash-separated path: lexical, as Docker applies it to patterns. */
    static String cleanPath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        Deque<String> out = new ArrayDeque<>();
        for (String element : path.split("/")) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) {
                    out.removeLast();
                } else if (!rooted) {
                    out.addLast("..");
                }
                continue;
            }
            out.addLast(element);
        }
        String joined = String.join("/", out);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }
}
