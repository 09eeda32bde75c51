package dev.dialtone.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RtpLoadTest {

    @Test
    void smoke_tinyLoad_relaysEveryStream() throws Exception {
        RtpLoad.Result r = RtpLoad.run(2, Duration.ofMillis(300), true, 27000);
        assertEquals(4, r.streams());
        assertTrue(r.sent() >= 4, r.summary());
        assertTrue(r.received() > 0, r.summary());
        assertTrue(r.received() <= r.relayed(), r.summary());
    }
}
