package dev.dialtone.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar's own logging configuration (tests run with logback-test.xml instead, so it is loaded here by hand): it
 * parses, and keeps Netty's and the stack's start-up debug lines off the tools' output.
 */
class LogConfigTest {

    @Test
    void jarsLogbackXml_parses_andKeepsWarningsOnly() throws Exception {
        Path xml = Paths.get("src/main/resources/logback.xml");
        LoggerContext ctx = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        configurator.doConfigure(xml.toFile());

        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            assertTrue(s.getLevel() < Status.WARN, "logback complains: " + s);
        }
        assertEquals(Level.WARN, ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        assertFalse(ctx.getLogger("io.netty.util.ResourceLeakDetector").isDebugEnabled());
        assertFalse(ctx.getLogger("dev.dialtone.sip.transport.SipTransportLayer").isInfoEnabled());
        assertTrue(ctx.getLogger("dev.dialtone.sip.transport.SipTransportLayer").isWarnEnabled());
        ctx.stop();
    }
}
