package dev.dialtone.bench.uas;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.Map;

import static dev.dialtone.bench.uas.UasTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The warm-up calls in other callers' forms, each ended as a caller would end it, against a real uas socket. */
class ShapeWarmupTest {
    private Uas uas;

    @BeforeAll
    static void quiet() {
        UasCommand.setLogLevel(ch.qos.logback.classic.Level.WARN);
    }

    @AfterEach
    void stop() {
        if (uas != null) {
            uas.close();
        }
    }

    private InetSocketAddress start(UasConfig.Builder b) throws Exception {
        uas = Uas.start(b.port(0).threads(1).build());
        return new InetSocketAddress("127.0.0.1", uas.port());
    }

    @Test
    @Timeout(30)
    void everyFormIsAnswered_acknowledged_andHungUp() throws Exception {
        InetSocketAddress callee = start(UasConfig.builder().ringMillis(0));
        assertEquals(30, ShapeWarmup.run(callee, 30));
        Map<String, Long> c = uas.counters().snapshot();
        assertEquals(30, c.get("answered"), c.toString());
        awaitTrue(() -> uas.counters().snapshot().get("completed") == 30);
        assertEquals(0, uas.counters().snapshot().get("failed"));
        assertEquals(0, uas.activeCalls());
    }

    @Test
    @Timeout(30)
    void aBusyCallee_isAcknowledged_andNoCallIsLeftOpen() throws Exception {
        InetSocketAddress callee = start(UasConfig.builder().ringMillis(0).busyRate(1.0));
        assertEquals(0, ShapeWarmup.run(callee, 6));
        assertEquals(6, uas.counters().snapshot().get("busy"));
        assertEquals(0, uas.activeCalls());
    }

    @Test
    @Timeout(30)
    void aCalleeThatNeverAnswers_isCancelled() throws Exception {
        InetSocketAddress callee = start(UasConfig.builder().ringMillis(0).noAnswerRate(1.0));
        assertEquals(0, ShapeWarmup.run(callee, 3));
        awaitTrue(() -> uas.counters().snapshot().get("cancelled") == 3);
        assertEquals(0, uas.activeCalls());
    }

    @Test
    @Timeout(30)
    void aCalleeThatHangsUp_getsItsByeAnswered() throws Exception {
        InetSocketAddress callee = start(UasConfig.builder().ringMillis(0).hangupAfterMillis(1));
        assertEquals(3, ShapeWarmup.run(callee, 3));
        // The callee's BYE and the caller's cross: whichever ends a call, each ends, none as a failure.
        awaitTrue(() -> uas.counters().snapshot().get("hungUp") + uas.counters().snapshot().get("completed") == 3);
        assertEquals(0, uas.counters().snapshot().get("failed"));
        assertEquals(0, uas.activeCalls());
    }

    @Test
    void headers_areFoundByFullOrCompactName_upToTheBlankLine() {
        String m = "SIP/2.0 200 OK\r\ni: abc@h\r\nTO : <sip:a@b>;tag=1\r\n\r\nCall-ID: body";
        assertEquals("abc@h", ShapeWarmup.header(m, "Call-ID", "i"));
        assertEquals("<sip:a@b>;tag=1", ShapeWarmup.header(m, "To", "t"));
        assertNull(ShapeWarmup.header(m, "CSeq", null));
    }
}
