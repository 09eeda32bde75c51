package dev.dialtone.sip.transport;

/**
 * An open stream connection that messages can be sent on, identified so that it can be stored (for example
 * with a registration binding) and looked up again while it is open.
 */
public interface Flow {
    /** Stable id of this connection while it is open. */
    String id();

    boolean isOpen();
}
