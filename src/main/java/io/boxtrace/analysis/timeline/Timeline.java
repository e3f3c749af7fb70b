package io.boxtrace.analysis.timeline;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.recording.RecordingHeader;
import java.util.List;

/**
 * A recording, a build profile or a container start as a timeline: tracks (for a recording the
 * host and one per container, for a build one per step), each process or interval a placed
 * {@link Span}, plus recording-wide instants. Built by {@link TimelineBuilder#build},
 * {@link BuildTimeline#of} or {@link StartupTimeline#of}; read-only after. The one model every
 * timeline output (Chrome trace, Perfetto, HTML) renders.
 *
 * @param header        the recording's header (clock, host), or null when the timeline is no recording
 * @param startNs       first instant shown (the recording start)
 * @param endNs         last instant shown (the summary's end, else the last event)
 * @param tracks        for a recording track 0 is the host, the others are containers in order of first appearance
 * @param spans         every kept process, sorted by start, parents before children
 * @param globals       lost events and container start/stop, in time order
 * @param lanesPerTrack rows used per track
 * @param dropped       processes not kept because the bound was reached
 */
public record Timeline(RecordingHeader header, long startNs, long endNs, List<Track> tracks, List<Span> spans,
                       List<Global> globals, int[] lanesPerTrack, long dropped, long lost) {

    /**
     * One group of rows: the host, a container, a build step, the start-up phases.
     *
     * @param name      the title, or null to name it after its container (or "host")
     * @param container the container it shows, else null
     * @param sortIndex where viewers place it, lowest first
     */
    public record Track(int index, String name, ContainerInfo container, int sortIndex) {
        public String title() {
            if (name != null) {
                return name;
            }
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
