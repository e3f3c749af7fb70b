package io.boxtrace.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * uid → user name from an /etc/passwd file (the host's; containers have their own, which is why
 * boxtrace shows host names and falls back to the number). Read once, lazily. Not thread-safe.
 */
public final class UserNames {

    private final Path passwd;
    private Map<Integer, String> names;

    public UserNames(Path passwd) {
        this.passwd = passwd;
    }

    public static UserNames host() {
        return new UserNames(Path.of("/etc/passwd"));
    }

    public String name(int uid) {
        if (names == null) {
            names = load(passwd);
        }
        String n = names.get(uid);
        return n != null ? n : Integer.toString(uid);
    }

    static Map<Integer, String> load(Path passwd) {
        Map<Integer, String> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3) {
                    try {
                        out.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                    } catch (NumberFormatException ignored) {
                        // a malformed line names nobody
                    }
                }
            }
        } catch (IOException e) {
            // no passwd file: every user shows as a number
        }
        return out;
    }
}
