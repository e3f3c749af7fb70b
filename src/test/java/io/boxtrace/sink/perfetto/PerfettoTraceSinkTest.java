package io.boxtrace.sink.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.sink.Golden;
import io.boxtrace.sink.SampleStreams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decodes the .pftrace bytes with a minimal protobuf decoder written here from the wire-format
 * spec (independent of {@link ProtoWriter}) and checks them against Perfetto's schema: field
 * numbers and wire types of Trace, TracePacket, TrackDescriptor and TrackEvent, and the slice
 * semantics trace_processor applies (begin/end balanced and nested per track, flows paired).
 */
class PerfettoTraceSinkTest {

    @TempDir
    Path dir;

    /** field number → list of values (Long for varint/fixed64, byte[] for length-delimited). */
    static Map<Integer, List<Object>> decode(byte[] msg) {
        Map<Integer, List<Object>> out = new HashMap<>();
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            long tag = varint(b);
            int field = (int) (tag >>> 3);
            Object v = switch ((int) (tag & 7)) {
                case 0 -> varint(b);
                case 1 -> b.getLong();
                case 2 -> {
                    byte[] bytes = new byte[(int) varint(b)];
                    b.get(bytes);
                    yield bytes;
                }
                case 5 -> (long) b.getInt();
                default -> throw new AssertionError("bad wire type " + (tag & 7) + " for field " + field);
            };
            out.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    static Map<Integer, List<Object>> sub(Map<Integer, List<Object>> m, int field) {
        return decode((byte[]) m.get(field).getFirst());
    }

    static String str(Map<Integer, List<Object>> m, int field) {
        return m.containsKey(field) ? new String((byte[]) m.get(field).getFirst(), StandardCharsets.UTF_8) : null;
    }

    static long num(Map<Integer, List<Object>> m, int field) {
        return (Long) m.get(field).getFirst();
    }

    @Test
    void decodesToTrackDescriptorsAndBalancedNestedSlicesWithTheSessionsContent() throws IOException {
        Path out = Golden.convert(SampleStreams.containerSession(), dir.resolve("t.pftrace"));
        Golden.compare(out, "container-session.pftrace");
        Map<Integer, List<Object>> trace = decode(Files.readAllBytes(out));
        assertThat(trace.keySet()).containsExactly(1); // Trace.packet only
        Map<Long, String> processTracks = new HashMap<>();
        Map<Long, Long> threadParent = new HashMap<>();
        Map<Long, ArrayDeque<String>> open = new HashMap<>();
        List<String> slices = new ArrayList<>();
        Map<String, Map<String, Object>> args = new HashMap<>();
        Set<Long> flowsOut = new HashSet<>();
        Set<Long> flowsIn = new HashSet<>();
        long lastTs = Long.MIN_VALUE;
        boolean clockSnapshot = false;
        for (Object p : trace.get(1)) {
            Map<Integer, List<Object>> packet = decode((byte[]) p);
            assertThat(num(packet, 10)).isEqualTo(1); // trusted_packet_sequence_id
            if (packet.containsKey(6)) {
                clockSnapshot = true;
                List<Long> ids = new ArrayList<>();
                for (Object c : sub(packet, 6).get(1)) {
                    ids.add(num(decode((byte[]) c), 1));
                }
                assertThat(ids).containsExactly(6L, 3L, 1L); // BOOTTIME, MONOTONIC, REALTIME
            }
            if (packet.containsKey(60)) {
                Map<Integer, List<Object>> td = sub(packet, 60);
                if (td.containsKey(3)) {
                    processTracks.put(num(td, 1), str(sub(td, 3), 6));
                } else {
                    assertThat(td).containsKey(4);
                    threadParent.put(num(td, 1), num(td, 5));
                }
            }
            if (packet.containsKey(11)) {
                long ts = num(packet, 8);
                assertThat(ts).isGreaterThanOrEqualTo(lastTs);
                lastTs = ts;
                Map<Integer, List<Object>> te = sub(packet, 11);
                long track = num(te, 11);
                int type = (int) num(te, 9);
                switch (type) {
                    case 1 -> {
                        assertThat(threadParent).containsKey(track);
                        open.computeIfAbsent(track, k -> new ArrayDeque<>()).push(str(te, 23));
                        slices.add(str(te, 23));
                        Map<String, Object> a = new HashMap<>();
                        for (Object da : te.getOrDefault(4, List.of())) {
                            Map<Integer, List<Object>> d = decode((byte[]) da);
                            a.put(str(d, 10), d.containsKey(4) ? (Object) num(d, 4) : str(d, 6));
                        }
                        args.put(str(te, 23) + "#" + a.get("pid"), a);
                        te.getOrDefault(48, List.of()).forEach(f -> flowsIn.add((Long) f));
                    }
                    case 2 -> assertThat(open.get(track)).as("end without begin on %d", track).isNotEmpty().element(0)
                            .satisfies(x -> open.get(track).pop());
                    case 3 -> te.getOrDefault(47, List.of()).forEach(f -> flowsOut.add((Long) f));
                    default -> throw new AssertionError("type " + type);
                }
            }
        }
        assertThat(clockSnapshot).isTrue();
        assertThat(open.values()).allMatch(ArrayDeque::isEmpty);
        assertThat(processTracks.values()).containsExactlyInAnyOrder("host",
                "container web (4f1c2a9b8d7e) boxtrace-test/busybox:latest");
        assertThat(threadParent.values()).allMatch(processTracks::containsKey);
        assertThat(slices).contains("ls /", "sleep 1", "logger -t boxtrace-sample", "true storm-19");
        assertThat(args.get("ls /#1001")).containsEntry("exit_code", 0L).containsEntry("nspid", 2L)
                .containsEntry("container", "web");
        assertThat(args.get("sleep 1#1003")).containsEntry("killed_by", "SIGKILL");
        assertThat(flowsOut).isNotEmpty().isEqualTo(flowsIn);
    }
}
