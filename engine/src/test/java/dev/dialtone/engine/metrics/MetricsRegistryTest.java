package dev.dialtone.engine.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsRegistryTest {

    @Test
    void counterAndGauges_renderInTextFormat_sortedByNameAndLabels() {
        MetricsRegistry m = new MetricsRegistry();
        MetricsRegistry.Counter requests = m.counter("dialtone_http_requests_total", "HTTP requests", "route", "status");
        requests.inc("/b", "200");
        requests.labels("/a", "404").add(2);
        requests.inc("/b", "200");
        MetricsRegistry.Gauge active = m.gauge("dialtone_calls_active", "Calls in progress");
        active.labels().inc();
        active.labels().inc();
        active.labels().dec();
        m.gauge("dialtone_sip_endpoints", "SIP endpoints", () -> 7);
        m.gauge("dialtone_broken", "Fails to read", () -> {
            throw new IllegalStateException("database closed");
        });

        assertEquals("""
                # HELP dialtone_broken Fails to read
                # TYPE dialtone_broken gauge
                # HELP dialtone_calls_active Calls in progress
                # TYPE dialtone_calls_active gauge
                dialtone_calls_active 1
                # HELP dialtone_http_requests_total HTTP requests
                # TYPE dialtone_http_requests_total counter
                dialtone_http_requests_total{route="/a",status="404"} 2
                dialtone_http_requests_total{route="/b",status="200"} 2
                # HELP dialtone_sip_endpoints SIP endpoints
                # TYPE dialtone_sip_endpoints gauge
                dialtone_sip_endpoints 7
                """, m.scrape());
    }

    @Test
    void labelValues_areEscaped_andFractionsKept() {
        MetricsRegistry m = new MetricsRegistry();
        m.counter("x_total", "a \\ help\nline", "v").inc("say \"hi\"\\\n");
        m.gauge("g", "g", "k").labels("a").set(0.25);
        assertEquals("""
                # HELP g g
                # TYPE g gauge
                g{k="a"} 0.25
                # HELP x_total a \\\\ help\\nline
                # TYPE x_total counter
                x_total{v="say \\"hi\\"\\\\\\n"} 1
                """, m.scrape());
    }

    @Test
    void misuse_isRefused() {
        MetricsRegistry m = new MetricsRegistry();
        MetricsRegistry.Counter c = m.counter("a_total", "a", "x");
        assertThrows(IllegalArgumentException.class, () -> m.counter("a_total", "again"));
        assertThrows(IllegalArgumentException.class, () -> m.counter("bad-name", "h"));
        assertThrows(IllegalArgumentException.class, () -> m.counter("b_total", "h", "__reserved"));
        assertThrows(IllegalArgumentException.class, () -> c.inc("one", "two"));
    }
}
