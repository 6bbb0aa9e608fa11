package io.jenkins.plugins.immutable.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One authentication challenge from a {@code WWW-Authenticate} header: its scheme and parameters. */
record Challenge(String scheme, Map<String, String> params) {

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }

    String param(String name) {
        return params.get(name);
    }

    /**
     * Parses every challenge in the header values, e.g.
     * {@code Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull,push"}.
     * Quoted values may hold commas; a new challenge starts at a token not followed by '='.
     */
    static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> result = new ArrayList<>();
        for (String header : headerValues) {
            int i = 0;
            int n = header.length();
            String scheme = null;
            Map<String, String> params = new LinkedHashMap<>();
            while (i < n) {
                while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
                    i++;
                }
                int start = i;
                while (i < n && header.charAt(i) != ' ' && header.charAt(i) != '=' && header.charAt(i) != ',') {
                    i++;
                }
                String token = header.substring(start, i);
                if (token.isEmpty()) {
                    break;
                }
                int j = i;
                while (j < n && header.charAt(j) == ' ') {
                    j++;
                }
                if (j < n && header.charAt(j) == '=' && scheme != null) {
                    i = j + 1;
                    while (i < n && header.charAt(i) == ' ') {
                        i++;
                    }
                    StringBuilder value = new StringBuilder();
                    if (i < n && header.charAt(i) == '"') {
                        i++;
                        while (i < n && header.charAt(i) != '"') {
                            if (header.charAt(i) == '\\' && i + 1 < n) {
                                i++;
                            }
                            value.append(header.charAt(i++));
                        }
                        i++;
                    } else {
                        while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
                            value.append(header.charAt(i++));
                        }
                    }
                    params.put(token.toLowerCase(Locale.ROOT), value.toString());
                } else {
                    if (scheme != null) {
                        result.add(new Challenge(scheme, Map.copyOf(params)));
                        params = new LinkedHashMap<>();
                    }
                    scheme = token.toLowerCase(Locale.ROOT);
                }
            }
            if (scheme != null) {
                result.add(new Challenge(scheme, Map.copyOf(params)));
            }
        }
        return result;
    }
}
