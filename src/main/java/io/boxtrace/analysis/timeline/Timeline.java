package io.boxtrace.analysis.timeline;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.recording.RecordingHeader;
import java.util.List;

/**
 * A recording as a timeline: tracks (the host and one per container), each process a placed
 * {@link Span}, plus recording-wide instants. Built by {@link TimelineBuilder#build}; read-only after.
 *
 * @param header        the recording's header (clock, host)
 * @param startNs       first instant shown (the recording start)
 * @param endNs         last instant shown (the summary's end, else the last event)
 * @param tracks        track 0 is the host; the others are containers in order of first appearance
 * @param spans         every kept process, sorted by start, parents before children
 * @param globals       lost events and container start/stop, in time order
 * @param lanesPerTrack rows used per track
 * @param dropped       processes not kept because the bound was reached
 */
public record Timeline(RecordingHeader header, long startNs, long endNs, List<Track> tracks, List<Span> spans,
                       List<Global> globals, int[] lanesPerTrack, long dropped, long lost) {

    /** One process group: the host (container null) or a container. */
    public record Track(int index, ContainerInfo container) {
        public String title() {
            if (container == null) {
                return "host";
            }
            String image = container.image() == null ? "" : " " + container.image();
            return "container " + container.displayName() + " (" + container.shortId() + ")" + image;
        }
    }

    /**
     * @param kind  {@code lost}, {@code container_start}, {@code container_stop}
     * @param container the container of a container event, null for lost events
     */
    public record Global(long timeNs, String kind, String name, ContainerInfo container, List<String[]> detail) {
    }
}
