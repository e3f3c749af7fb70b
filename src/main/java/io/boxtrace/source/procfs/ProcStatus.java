package io.boxtrace.source.procfs;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields boxtrace uses from /proc/PID/status.
 *
 * @param name   Name: (the comm)
 * @param tgid   Tgid:
 * @param ppid   PPid:
 * @param uid    the real uid (first of Uid:)
 * @param nsPids NSpid: host pid first, innermost namespace last
 * @param capEff CapEff: as a bit mask
 */
public record ProcStatus(String name, int tgid, int ppid, int uid, List<Integer> nsPids, long capEff) {

    public ProcStatus {
        nsPids = List.copyOf(nsPids);
    }

    static ProcStatus parse(String text) {
        String name = null;
        int tgid = -1;
        int ppid = -1;
        int uid = -1;
        long capEff = 0;
        List<Integer> nsPids = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            try {
                switch (key) {
                    case "Name" -> name = value;
                    case "Tgid" -> tgid = Integer.parseInt(value);
                    case "PPid" -> ppid = Integer.parseInt(value);
                    case "Uid" -> uid = Integer.parseInt(value.split("\\s+")[0]);
                    case "CapEff" -> capEff = Long.parseUnsignedLong(value, 16);
                    case "NSpid" -> {
                        for (String p : value.split("\\s+")) {
                            nsPids.add(Integer.parseInt(p));
                        }
                    }
                    default -> { }
                }
            } catch (NumberFormatException e) {
                // A malformed line leaves that field unknown; the rest of the file still counts.
            }
        }
        return new ProcStatus(name, tgid, ppid, uid, nsPids, capEff);
    }
}
