package io.boxtrace.recording;

import java.io.IOException;

/**
 * A recording that cannot be read (further). The message is one line naming the file and the
 * line (or compressed byte offset), e.g. {@code run.jsonl:57: not JSON (Unexpected character ...)}.
 */
public final class RecordingFormatException extends IOException {

    public RecordingFormatException(String message) {
        super(message);
    }
}
