package dev.dialtone.engine.registrar;

import dev.dialtone.sip.transport.Flow;

/** A connection that the test opens and closes by hand. */
final class TestFlow implements Flow {
    private final String id;
    private volatile boolean open = true;

    TestFlow(String id) {
        this.id = id;
    }

    void close() {
        open = false;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
