package io.jenkins.plugins.immutable.scan.version;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Maven's version order (the POM reference's "version order specification", as Maven 3.9's
 * {@code ComparableVersion} implements it). A version splits on {@code .}, {@code -} and digit/letter transitions;
 * a {@code -} or a transition opens a nested list. Numbers compare numerically; qualifiers in the order
 * {@code alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp}, then unknown qualifiers
 * lexically; a single letter directly followed by digits ({@code a1}, {@code b2}, {@code m3}) stands for alpha, beta,
 * milestone. Trailing zeros and release qualifiers are dropped, so {@code 1 = 1.0 = 1-ga}. Against a missing item, a
 * number is greater (unless zero), a qualifier is smaller when it sorts before release, and a list compares as its
 * items do; a number is greater than a qualifier or a list, a list greater than a qualifier.
 */
final class MavenVersionScheme implements VersionScheme {

    @Override
    public String name() {
        return "maven";
    }

    @Override
    public boolean isValid(String version) {
        return version != null && !version.isBlank();
    }

    @Override
    public int compare(String a, String b) {
        return Integer.signum(parse(a).compareTo(parse(b)));
    }

    private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

    /** One element of a parsed version; {@code compareTo(null)} compares against a missing element. */
    private sealed interface Item permits Number, Qualifier, ItemList {
        int compareTo(Item other);

        boolean isNull();
    }

    private record Number(BigInteger value) implements Item {
        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return value.signum() == 0 ? 0 : 1;
            }
            if (other instanceof Number n) {
                return value.compareTo(n.value);
            }
            return 1; // 1.1 > 1-sp, 1.1 > 1-1
        }

        @Override
        public boolean isNull() {
            return value.signum() == 0;
        }
    }

    private record Qualifier(String value) implements Item {
        static Qualifier of(String text, boolean followedByDigit) {
            String v = text;
            if (followedByDigit && v.length() == 1) {
                v = switch (v.charAt(0)) {
                    case 'a' -> "alpha";
                    case 'b' -> "beta";
                    case 'm' -> "milestone";
                    default -> v;
                };
            }
            return new Qualifier(switch (v) {
                case "ga", "final", "release" -> "";
                case "cr" -> "rc";
                default -> v;
            });
        }

        /** A string that sorts known qualifiers by their rank and unknown ones after them, lexically. */
        static String comparable(String qualifier) {
            int i = QUALIFIERS.indexOf(qualifier);
            return i < 0 ? QUALIFIERS.size() + "-" + qualifier : String.valueOf(i);
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return comparable(value).compareTo(RELEASE_INDEX); // 1-rc < 1, 1-sp > 1
            }
            if (other instanceof Qualifier q) {
                return comparable(value).compareTo(comparable(q.value));
            }
            return -1; // 1.any < 1.1, 1.any < 1-1
        }

        @Override
        public boolean isNull() {
            return value.isEmpty();
        }
    }

    private static final class ItemList extends ArrayList<Item> implements Item {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isNull() {
            return isEmpty();
        }

        /** Drops trailing null items (zeros, release qualifiers, empty lists), looking through nested lists. */
        void normalize() {
            for (int i = size() - 1; i >= 0; i--) {
                Item last = get(i);
                if (last.isNull()) {
                    remove(i);
                } else if (!(last instanceof ItemList)) {
                    break;
                }
            }
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                for (Item item : this) {
                    int r = item.compareTo(null);
                    if (r != 0) {
                        return r;
                    }
                }
                return 0;
            }
            if (other instanceof Number) {
                return -1; // 1-1 < 1.0.x
            }
            if (other instanceof Qualifier) {
                return 1; // 1-1 > 1-sp
            }
            ItemList right = (ItemList) other;
            for (int i = 0; i < Math.max(size(), right.size()); i++) {
                Item l = i < size() ? get(i) : null;
                Item r = i < right.size() ? right.get(i) : null;
                int result = l == null ? (r == null ? 0 : -r.compareTo(null)) : l.compareTo(r);
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        }
    }

    private static Number number(String digits) {
        return new Number(digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits));
    }

    private static Item item(boolean digit, String text) {
        return digit ? number(text) : Qualifier.of(text, false);
    }

    private static ItemList parse(String version) {
        if (version == null || version.isBlank()) {
            throw new InvalidVersionException("maven", String.valueOf(version), "it is empty");
        }
        String v = version.strip().toLowerCase(Locale.ENGLISH);
        ItemList root = new ItemList();
        Deque<ItemList> stack = new ArrayDeque<>();
        stack.push(root);
        ItemList list = root;
        boolean digit = false;
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.') {
                list.add(i == start ? number("") : item(digit, v.substring(start, i)));
                start = i + 1;
            } else if (c == '-') {
                list.add(i == start ? number("") : item(digit, v.substring(start, i)));
                start = i + 1;
                list = nest(list, stack);
            } else if (Character.isDigit(c)) {
                if (!digit && i > start) {
                    // letters then digits: "1.0.0.X1 < 1.0.0-X2", so the qualifier opens a list of its own
                    if (!list.isEmpty()) {
                        list = nest(list, stack);
                    }
                    list.add(Qualifier.of(v.substring(start, i), true));
                    start = i;
                    list = nest(list, stack);
                }
                digit = true;
            } else {
                if (digit && i > start) {
                    list.add(item(true, v.substring(start, i)));
                    start = i;
                    list = nest(list, stack);
                }
                digit = false;
            }
        }
        if (v.length() > start) {
            if (!digit && !list.isEmpty()) {
                list = nest(list, stack); // a trailing ".X" reads as "-X"
            }
            list.add(item(digit, v.substring(start)));
        }
        while (!stack.isEmpty()) {
            stack.pop().normalize();
        }
        return root;
    }

    private static ItemList nest(ItemList parent, Deque<ItemList> stack) {
        ItemList sub = new ItemList();
        parent.add(sub);
        stack.push(sub);
        return sub;
    }
}
