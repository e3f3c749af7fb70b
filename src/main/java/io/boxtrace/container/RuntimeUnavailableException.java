package io.boxtrace.container;

/** A container runtime's API could not be asked; the message says why in words a user can act on. */
public final class RuntimeUnavailableException extends Exception {
    public RuntimeUnavailableException(String message) {
        super(message);
    }
}
