package io.boxtrace.analysis.timeline;

import io.boxtrace.recording.RecordingHeader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places spans on rows ("lanes") so that every row is a properly nested stack of slices: trace
 * viewers (Perfetto, chrome://tracing) nest the slices of one thread by time and drop or misdraw
 * slices that overlap without nesting. A child goes on its parent's row, directly under it, when
 * it starts after the parent's other open children ended and ends no later than the parent;
 * otherwise (concurrent siblings, orphans that outlive their parent, processes that moved into a
 * container) it starts a free row of its own track and a flow arrow links it to its parent.
 *
 * <p>Single use, not thread-safe.
 */
public final class LaneLayout {

    private final long endNs;

    private LaneLayout(long endNs) {
        this.endNs = endNs;
    }

    /**
     * Lays out spans whose {@link Span#track} and {@link Span#parent} are set and returns the timeline.
     *
     * @param keepAll false to keep only the spans worth showing of a recording (see {@link #keep}), true for all
     */
    static Timeline layout(RecordingHeader header, long startNs, long endNs, List<Timeline.Track> tracks,
                           Collection<Span> all, List<Timeline.Global> globals, long dropped, long lost, boolean keepAll) {
        return new LaneLayout(endNs).layout(header, startNs, tracks, all, globals, dropped, lost, keepAll);
    }

    private Timeline layout(RecordingHeader header, long startNs, List<Timeline.Track> tracks, Collection<Span> all,
                            List<Timeline.Global> globals, long dropped, long lost, boolean keepAll) {
        List<Span> kept = keepAll ? new ArrayList<>(all) : keep(all);
        Map<Span, Integer> depthInTree = new HashMap<>();
        for (Span s : kept) {
            depthInTree.put(s, treeDepth(s));
        }
        kept.sort(Comparator.comparingLong((Span s) -> s.startNs).thenComparing(s -> -s.endNs(endNs))
                .thenComparing(depthInTree::get).thenComparingInt(Span::pid));
        List<List<ArrayDeque<Span>>> lanes = new ArrayList<>();
        tracks.forEach(t -> lanes.add(new ArrayList<>()));
        for (Span s : kept) {
            place(s, s.parent, lanes.get(s.track));
        }
        int[] lanesPerTrack = lanes.stream().mapToInt(List::size).toArray();
        List<Timeline.Global> sortedGlobals = new ArrayList<>(globals);
        sortedGlobals.sort(Comparator.comparingLong(Timeline.Global::timeNs));
        return new Timeline(header, startNs, endNs, List.copyOf(tracks), List.copyOf(kept), List.copyOf(sortedGlobals),
                lanesPerTrack, dropped, lost);
    }

    private void place(Span s, Span parent, List<ArrayDeque<Span>> lanes) {
        long end = s.endNs(endNs);
        if (parent != null && parent.track == s.track && parent.lane >= 0) {
            ArrayDeque<Span> stack = lanes.get(parent.lane);
            popEnded(stack, s.startNs);
            if (stack.peek() == parent && parent.endNs(endNs) >= end) {
                put(s, parent.lane, stack, true);
                return;
            }
        }
        for (int i = 0; i < lanes.size(); i++) {
            popEnded(lanes.get(i), s.startNs);
            if (lanes.get(i).isEmpty()) {
                put(s, i, lanes.get(i), false);
                return;
            }
        }
        lanes.add(new ArrayDeque<>());
        put(s, lanes.size() - 1, lanes.getLast(), false);
    }

    private void put(Span s, int lane, ArrayDeque<Span> stack, boolean underParent) {
        s.lane = lane;
        s.depth = stack.size();
        s.nestedUnderParent = underParent;
        stack.push(s);
    }

    private void popEnded(ArrayDeque<Span> stack, long t) {
        while (!stack.isEmpty() && stack.peek().endNs(endNs) <= t) {
            stack.pop();
        }
    }

    /**
     * Which processes to show: every one that did something during the recording, every one in a
     * container, and their ancestors; not the hundreds of idle host processes and kernel threads
     * that the start-up snapshot lists.
     */
    private static List<Span> keep(Collection<Span> all) {
        Set<Span> kept = new HashSet<>();
        for (Span s : all) {
            if (s.kernelThread || !(s.active || s.container != null)) {
                continue;
            }
            for (Span a = s; a != null && kept.add(a); a = a.parent) {
                // walk up until an ancestor that is already kept
            }
        }
        return new ArrayList<>(kept);
    }

    private static int treeDepth(Span s) {
        int d = 0;
        for (Span a = s.parent; a != null && d < 10_000; a = a.parent) {
            d++;
        }
        return d;
    }
}
