package io.boxtrace.sink.perfetto;

import io.boxtrace.render.json.Signals;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.analysis.timeline.Span;
import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.sink.timeline.TimelineSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Perfetto's protobuf trace ({@code Trace} of {@code TracePacket}s with TrackEvent) with the same
 * content as the Chrome JSON: a process track per container and for the host, a thread track per
 * row of {@link Timeline}, a slice per process, instants, fork flows (an instant "fork" on the
 * parent's row carries {@code flow_ids}, the child's slice begin {@code terminating_flow_ids}).
 * Timestamps are CLOCK_BOOTTIME ns (Perfetto's default trace clock), from the recording's offsets;
 * a ClockSnapshot maps them to CLOCK_MONOTONIC and wall time.
 *
 * <p>Field numbers are from Perfetto's trace_packet.proto, track_event.proto,
 * track_descriptor.proto, process_descriptor.proto, thread_descriptor.proto,
 * debug_annotation.proto and clock_snapshot.proto. Not thread-safe.
 */
public final class PerfettoTraceSink extends TimelineSink {

    // TracePacket
    static final int PKT_CLOCK_SNAPSHOT = 6, PKT_TIMESTAMP = 8, PKT_SEQ_ID = 10, PKT_TRACK_EVENT = 11,
            PKT_SEQ_FLAGS = 13, PKT_TRACK_DESCRIPTOR = 60;
    // TrackDescriptor, ProcessDescriptor, ThreadDescriptor
    static final int TD_UUID = 1, TD_NAME = 2, TD_PROCESS = 3, TD_THREAD = 4, TD_PARENT = 5;
    static final int PD_PID = 1, PD_NAME = 6, THD_PID = 1, THD_TID = 2, THD_NAME = 5;
    // TrackEvent
    static final int TE_ANNOTATIONS = 4, TE_TYPE = 9, TE_TRACK = 11, TE_CATEGORIES = 22, TE_NAME = 23,
            TE_FLOW_IDS = 47, TE_TERMINATING_FLOWS = 48;
    static final int SLICE_BEGIN = 1, SLICE_END = 2, INSTANT = 3;
    // DebugAnnotation
    static final int DA_INT = 4, DA_STRING = 6, DA_NAME = 10;
    // ClockSnapshot.clocks, Clock.clock_id / timestamp; builtin clock ids
    static final int CLOCK_REALTIME = 1, CLOCK_MONOTONIC = 3, CLOCK_BOOTTIME = 6;
    static final int SEQ = 1, SEQ_CLEARED = 1, SEQ_NEEDS_STATE = 2;

    public PerfettoTraceSink(Path path, RecordingHeader header, LongSupplier endMonoNs, int maxProcesses) {
        super(path, header, endMonoNs, maxProcesses);
    }

    /** One TrackEvent before sorting: its time, the order it was made in, and the packet bytes. */
    private record Item(long ts, long order, byte[] packet) {
    }

    @Override
    protected void write(Timeline tl, OutputStream out) throws IOException {
        RecordingHeader h = tl.header();
        long boot = h.bootMinusMonoNs();
        ProtoWriter clocks = new ProtoWriter()
                .message(1, new ProtoWriter().varint(1, CLOCK_BOOTTIME).varint(2, tl.startNs() + boot))
                .message(1, new ProtoWriter().varint(1, CLOCK_MONOTONIC).varint(2, tl.startNs()))
                .message(1, new ProtoWriter().varint(1, CLOCK_REALTIME).varint(2, h.clock().toEpochNs(tl.startNs())));
        packet(out, new ProtoWriter().varint(PKT_TIMESTAMP, tl.startNs() + boot).message(PKT_CLOCK_SNAPSHOT, clocks)
                .varint(PKT_SEQ_ID, SEQ).varint(PKT_SEQ_FLAGS, SEQ_CLEARED));
        Map<Long, Long> laneUuid = new HashMap<>();
        for (Timeline.Track t : tl.tracks()) {
            long trackUuid = 1000L * (t.index() + 1);
            packet(out, new ProtoWriter().message(PKT_TRACK_DESCRIPTOR, new ProtoWriter().varint(TD_UUID, trackUuid)
                    .message(TD_PROCESS, new ProtoWriter().int32(PD_PID, t.index() + 1).string(PD_NAME, t.title())))
                    .varint(PKT_SEQ_ID, SEQ));
            for (int lane = 0; lane < tl.lanesPerTrack()[t.index()]; lane++) {
                long uuid = ((long) (t.index() + 1) << 32) | (lane + 1);
                laneUuid.put(((long) t.index() << 32) | lane, uuid);
                packet(out, new ProtoWriter().message(PKT_TRACK_DESCRIPTOR, new ProtoWriter().varint(TD_UUID, uuid)
                        .varint(TD_PARENT, trackUuid).message(TD_THREAD, new ProtoWriter().int32(THD_PID, t.index() + 1)
                                .int32(THD_TID, (int) ((t.index() + 1) * 100_000L + lane + 1) & 0x7fffffff)
                                .string(THD_NAME, "row " + (lane + 1))))
                        .varint(PKT_SEQ_ID, SEQ));
            }
        }
        List<Item> items = events(tl, laneUuid, boot);
        items.sort(Comparator.comparingLong(Item::ts).thenComparingLong(Item::order));
        for (Item i : items) {
            out.write(i.packet);
        }
    }

    private List<Item> events(Timeline tl, Map<Long, Long> laneUuid, long boot) {
        List<Item> items = new ArrayList<>();
        long[] order = {0};
        Map<Long, ArrayDeque<Span>> open = new HashMap<>();
        long flowId = 1;
        // Spans come sorted by start, parents first: a sweep per row emits properly nested begin/end pairs.
        for (Span s : tl.spans()) {
            long lane = ((long) s.track << 32) | s.lane;
            long uuid = laneUuid.get(lane);
            ArrayDeque<Span> stack = open.computeIfAbsent(lane, k -> new ArrayDeque<>());
            closeUntil(stack, s.startNs, tl, uuid, boot, items, order);
            Span parent = s.parent;
            ProtoWriter begin = new ProtoWriter().varint(TE_TYPE, SLICE_BEGIN).varint(TE_TRACK, uuid)
                    .string(TE_CATEGORIES, s.category).string(TE_NAME, s.label());
            annotations(begin, s);
            if (parent != null && !s.nestedUnderParent && s.realStartNs >= tl.startNs()) {
                long parentLane = laneUuid.get(((long) parent.track << 32) | parent.lane);
                items.add(item(s.startNs, boot, order, new ProtoWriter().varint(TE_TYPE, INSTANT)
                        .varint(TE_TRACK, parentLane).string(TE_CATEGORIES, "fork").string(TE_NAME, "fork " + s.pid())
                        .fixed64(TE_FLOW_IDS, flowId)));
                begin.fixed64(TE_TERMINATING_FLOWS, flowId++);
            }
            items.add(item(s.startNs, boot, order, begin));
            stack.push(s);
            for (Span.Mark m : s.marks) {
                ProtoWriter inst = new ProtoWriter().varint(TE_TYPE, INSTANT).varint(TE_TRACK, uuid)
                        .string(TE_CATEGORIES, m.kind()).string(TE_NAME, m.name());
                for (String[] kv : m.detail()) {
                    inst.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, kv[0]).string(DA_STRING, kv[1]));
                }
                items.add(item(m.timeNs(), boot, order, inst));
            }
        }
        for (Map.Entry<Long, ArrayDeque<Span>> e : open.entrySet()) {
            closeUntil(e.getValue(), Long.MAX_VALUE, tl, laneUuid.get(e.getKey()), boot, items, order);
        }
        for (Timeline.Global g : tl.globals()) {
            long track = g.container() == null ? 0 : 1000L * (trackIndex(tl, g) + 1);
            ProtoWriter inst = new ProtoWriter().varint(TE_TYPE, INSTANT).varint(TE_TRACK, track)
                    .string(TE_CATEGORIES, g.kind()).string(TE_NAME, g.name());
            for (String[] kv : g.detail()) {
                inst.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, kv[0]).string(DA_STRING, kv[1]));
            }
            items.add(item(g.timeNs(), boot, order, inst));
        }
        return items;
    }

    private void closeUntil(ArrayDeque<Span> stack, long t, Timeline tl, long uuid, long boot, List<Item> items, long[] order) {
        while (!stack.isEmpty() && stack.peek().endNs(tl.endNs()) <= t) {
            Span done = stack.pop();
            items.add(item(done.endNs(tl.endNs()), boot, order,
                    new ProtoWriter().varint(TE_TYPE, SLICE_END).varint(TE_TRACK, uuid)));
        }
    }

    private static void annotations(ProtoWriter w, Span s) {
        if (!s.isProcess()) {
            for (String[] kv : s.detail) {
                w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, kv[0]).string(DA_STRING, kv[1]));
            }
            return;
        }
        w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, "pid").varint(DA_INT, s.pid()));
        w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, "ppid").varint(DA_INT, s.ppid));
        w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, "nspid").varint(DA_INT, s.nsPid));
        w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, "argv").string(DA_STRING, String.join(" ", s.args)));
        if (s.container != null) {
            w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, "container").string(DA_STRING, s.container.displayName()));
        }
        if (s.exitNs != 0) {
            w.message(TE_ANNOTATIONS, s.signal != 0
                    ? new ProtoWriter().string(DA_NAME, "killed_by").string(DA_STRING, Signals.name(s.signal))
                    : new ProtoWriter().string(DA_NAME, "exit_code").varint(DA_INT, s.exitCode));
        } else {
            w.message(TE_ANNOTATIONS, new ProtoWriter().string(DA_NAME, "running_at_end").string(DA_STRING, "true"));
        }
    }

    private static int trackIndex(Timeline tl, Timeline.Global g) {
        for (Timeline.Track t : tl.tracks()) {
            if (t.container() != null && t.container().id().equals(g.container().id())) {
                return t.index();
            }
        }
        return 0;
    }

    private static Item item(long monoNs, long boot, long[] order, ProtoWriter event) {
        ProtoWriter p = new ProtoWriter().varint(PKT_TIMESTAMP, monoNs + boot).message(PKT_TRACK_EVENT, event)
                .varint(PKT_SEQ_ID, SEQ).varint(PKT_SEQ_FLAGS, SEQ_NEEDS_STATE);
        return new Item(monoNs, order[0]++, new ProtoWriter().message(1, p).toByteArray());
    }

    private static void packet(OutputStream out, ProtoWriter p) throws IOException {
        out.write(new ProtoWriter().message(1, p).toByteArray());
    }
}
