package io.jenkins.plugins.immutable.bake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read as Docker's parser reads it (parser directives, comments, line continuations with the escape
 * character), for what the engine must know itself: each instruction's line, so a failed build names the line at fault,
 * and the images it builds from, so the provenance records them by digest.
 */
final class Dockerfile {

    /** One instruction, with the lines it spans and its text as Docker prints it in "Step n/m : ...". */
    record Instruction(int line, int endLine, String keyword, String arguments, String original) {

        /** "line 7" or "lines 7-9". */
        String lines() {
            return endLine > line ? "lines " + line + "-" + endLine : "line " + line;
        }
    }

    /** One {@code FROM}: the image as written (variables unresolved), its stage name, and the instruction. */
    record Stage(String image, String name, Instruction from) {
    }

    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final List<Instruction> instructions;
    private final List<Instruction> metaArgs;
    private final List<Instruction> steps;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
        int firstFrom = 0;
        while (firstFrom < instructions.size() && !instructions.get(firstFrom).keyword().equals("FROM")) {
            firstFrom++;
        }
        this.metaArgs = instructions.subList(0, firstFrom).stream().filter(i -> i.keyword().equals("ARG")).toList();
        this.steps = List.copyOf(instructions.subList(firstFrom, instructions.size()));
    }

    static Dockerfile parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        char escape = '\\';
        int i = 0;
        // Parser directives: only at the very top, before any other line, comment or blank.
        Set<String> seen = new HashSet<>();
        for (; i < lines.length; i++) {
            Matcher m = DIRECTIVE.matcher(lines[i]);
            if (!m.matches() || !seen.add(m.group(1).toLowerCase(Locale.ROOT))) {
                break;
            }
            if (m.group(1).equalsIgnoreCase("escape") && m.group(2).equals("`")) {
                escape = '`';
            }
        }
        Pattern continuation = Pattern.compile(Pattern.quote(String.valueOf(escape)) + "[ \t]*$");
        List<Instruction> instructions = new ArrayList<>();
        for (; i < lines.length; i++) {
            String first = lines[i].stripLeading();
            if (first.isEmpty() || first.startsWith("#")) {
                continue;
            }
            int start = i + 1;
            StringBuilder joined = new StringBuilder();
            Matcher m = continuation.matcher(first);
            boolean more = m.find();
            joined.append(more ? first.substring(0, m.start()) : first);
            while (more && i + 1 < lines.length) {
                String next = lines[++i];
                String trimmed = next.stripLeading();
                if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                    continue; // comments and blank lines inside a continued instruction are dropped
                }
                Matcher n = continuation.matcher(next);
                more = n.find();
                joined.append(more ? next.substring(0, n.start()) : next);
            }
            String original = joined.toString().strip();
            int space = indexOfWhitespace(original);
            String keyword = (space < 0 ? original : original.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : original.substring(space).strip();
            instructions.add(new Instruction(start, i + 1, keyword, arguments, original));
        }
        return new Dockerfile(instructions);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    List<Instruction> instructions() {
        return instructions;
    }

    /** The stages, one per {@code FROM}, in order. */
    List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        for (Instruction instruction : steps) {
            if (!instruction.keyword().equals("FROM")) {
                continue;
            }
            List<String> words = new ArrayList<>();
            for (String word : instruction.arguments().split("\\s+")) {
                if (!word.isEmpty() && !word.startsWith("--")) {
                    words.add(word);
                }
            }
            String image = words.isEmpty() ? "" : words.get(0);
            String name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
            stages.add(new Stage(image, name, instruction));
        }
        return stages;
    }

    /**
     * The instruction the legacy builder runs as "Step {@code number}/m : {@code printed}": it counts every
     * instruction from the top ({@code ARG}s before the first {@code FROM} included); the printed text confirms the
     * match, or finds the instruction when the count does not fit.
     */
    Instruction step(int number, String printed) {
        String wanted = printed == null ? null : normalise(printed);
        Instruction byNumber = number >= 1 && number <= instructions.size() ? instructions.get(number - 1) : null;
        if (byNumber != null && (wanted == null || normalise(byNumber.original()).equals(wanted))) {
            return byNumber;
        }
        if (wanted != null) {
            for (Instruction instruction : instructions) {
                if (normalise(instruction.original()).equals(wanted)) {
                    return instruction;
                }
            }
        }
        return byNumber;
    }

    private static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /**
     * The images the build reads from a registry or the engine's store, as the build resolves them: every
     * {@code FROM} that is not {@code scratch} nor an earlier stage, and every {@code COPY --from} naming an image,
     * with {@code ARG}s declared before the first {@code FROM} substituted (their defaults, overridden by the build
     * arguments given). In order, without repeats.
     */
    List<String> externalImages(Map<String, String> buildArgs) {
        return externalImages(buildArgs, Integer.MAX_VALUE);
    }

    /** As {@link #externalImages(Map)}, for the first {@code stageCount} stages only (a build with a target). */
    List<String> externalImages(Map<String, String> buildArgs, int stageCount) {
        Map<String, String> args = new HashMap<>();
        for (Instruction arg : metaArgs) {
            for (String declaration : arg.arguments().split("\\s+")) {
                if (declaration.isEmpty()) {
                    continue;
                }
                int eq = declaration.indexOf('=');
                String name = eq < 0 ? declaration : declaration.substring(0, eq);
                String value = eq < 0 ? null : unquote(declaration.substring(eq + 1));
                if (buildArgs.containsKey(name)) {
                    value = buildArgs.get(name);
                }
                if (value != null) {
                    args.put(name, value);
                }
            }
        }
        Set<String> stageNames = new HashSet<>();
        Map<String, Boolean> images = new LinkedHashMap<>();
        int stageIndex = 0;
        List<Stage> stages = stages();
        for (Instruction instruction : steps) {
            if (instruction.keyword().equals("FROM")) {
                if (stageIndex == stageCount) {
                    break;
                }
                Stage stage = stages.get(stageIndex++);
                String image = substitute(stage.image(), args);
                if (!image.equalsIgnoreCase("scratch") && !stageNames.contains(image.toLowerCase(Locale.ROOT))
                        && !image.isEmpty()) {
                    images.put(image, true);
                }
                if (stage.name() != null) {
                    stageNames.add(stage.name().toLowerCase(Locale.ROOT));
                }
            } else if (instruction.keyword().equals("COPY")) {
                for (String word : instruction.arguments().split("\\s+")) {
                    if (!word.toLowerCase(Locale.ROOT).startsWith("--from=")) {
                        continue;
                    }
                    String from = word.substring("--from=".length());
                    if (!from.matches("\\d+") && !stageNames.contains(from.toLowerCase(Locale.ROOT))) {
                        images.put(from, true);
                    }
                }
            }
        }
        return List.copyOf(images.keySet());
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** Substitutes {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${NAME:+alt}} as Docker does. */
    static String substitute(String text, Map<String, String> args) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String value = args.get(name);
            String replacement;
            if (m.group(1) != null && m.group(2) != null) {
                boolean plus = m.group().contains(":+") || m.group().matches("\\$\\{[A-Za-z0-9_]+\\+.*");
                boolean set = value != null && !value.isEmpty();
                replacement = plus ? (set ? m.group(2) : "") : (set ? value : m.group(2));
            } else {
                replacement = value == null ? "" : value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
