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
        // Line by line without splitting the whole file: a /proc scan parses one status per process,
        // and only these lines of its fifty-odd are used.
        int at = 0;
        int length = text.length();
        while (at < length) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = length;
            }
            int colon = text.indexOf(':', at);
            if (colon > at && colon < end) {
                try {
                    switch (text.substring(at, colon)) {
                        case "Name" -> name = text.substring(colon + 1, end).trim();
                        case "Tgid" -> tgid = Integer.parseInt(text.substring(colon + 1, end).trim());
                        case "PPid" -> ppid = Integer.parseInt(text.substring(colon + 1, end).trim());
                        case "Uid" -> uid = Integer.parseInt(text.substring(colon + 1, end).trim().split("\\s+")[0]);
                        case "CapEff" -> capEff = Long.parseUnsignedLong(text.substring(colon + 1, end).trim(), 16);
                        case "NSpid" -> {
                            for (String p : text.substring(colon + 1, end).trim().split("\\s+")) {
                                nsPids.add(Integer.parseInt(p));
                            }
                        }
                        default -> { }
                    }
                } catch (NumberFormatException e) {
                    // A malformed line leaves that field unknown; the rest of the file still counts.
                }
            }
            at = end + 1;
        }
        return new ProcStatus(name, tgid, ppid, uid, nsPids, capEff);
    }
}
