package dev.dialtone.engine.example;

import dev.dialtone.engine.Dialtone;
import dev.dialtone.engine.call.Phone;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding example of the README is this test's code, and it places a real call. */
class HelloDialtoneTest {

    @Test
    void readmeShowsExactlyThisExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/test/java/dev/dialtone/engine/example/HelloDialtone.java"));
        String body = source.substring(source.indexOf("public final class HelloDialtone"));
        assertTrue(readme.contains(body.strip()), "README.md must show HelloDialtone.java as it is");
    }

    @Test
    void exampleBridgesACall() throws Exception {
        try (Phone caller = new Phone(); Phone callee = new Phone()) {
            Dialtone dialtone = HelloDialtone.start(0, callee.uri("bob"));
            try {
                Phone.Call call = caller.call(dialtone.sipAddress(Transport.UDP).getPort());
                call.answered.get(10, TimeUnit.SECONDS);
                assertEquals("bob", ((dev.dialtone.sip.message.SipUri) callee.invites.poll(5, TimeUnit.SECONDS)
                        .requestUri()).user());
                call.hangUp();
                assertEquals("ended bob REMOTE_BYE", callee.events.poll(5, TimeUnit.SECONDS));
            } finally {
                dialtone.close();
            }
            assertEquals(0, dialtone.activeCalls());
        }
    }
}
