package dev.dialtone.engine.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CxmlCommandTest {

    record Run(int exitCode, String stdout) {
    }

    static Run run(Path file) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("cxml", file.toString());
        return new Run(code, out.toString());
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(CxmlCommandTest.class.getResource("/cxml/" + name).toURI());
    }

    @Test
    void validDocument_printsTreeWithDefaults_exit0() throws Exception {
        Run run = run(fixture("valid/seed002_dial_attributes.xml"));
        assertEquals(0, run.exitCode());
        assertEquals("""
                Response
                  Dial
                    action: https://www.example.com/after_dial
                    method: GET
                    timeout: 30
                    callerId: alice
                    callerName: (none)
                    hangupOnStar: false
                    timeLimit: 14400
                    answerOnBridge: false
                    record: record-from-answer
                    ringTone: (none)
                    Sip sip:dan@example.com?customheader=foo
                      codecs: PCMU,PCMA
                      method: POST
                      username: (none)
                      password: (none)
                      sessionTimeout: 0
                      statusCallback: https://www.example.com/dial_events
                      statusCallbackEvent: ringing answered
                      statusCallbackMethod: POST
                      url: https://www.example.com/whisper_audio
                      uri.scheme: sip
                      uri.user: dan
                      uri.host: example.com
                      uri.port: (none)
                      uri.transport: tls
                      uri.header customheader: foo
                """, run.stdout());
    }

    @Test
    void otherVerbs_printed() throws Exception {
        Run run = run(fixture("valid/all_verbs.xml"));
        assertEquals(0, run.exitCode());
        String out = run.stdout();
        assertEquals(true, out.startsWith("Response\n  Pause\n    length: 2\n  Dial\n"), out);
        assertEquals(true, out.endsWith("""
                  Redirect https://example.com/next?step=2&x=y
                    method: GET
                  Reject
                    reason: busy
                  Hangup
                """), out);
        assertEquals(true, out.contains("      password: (set)\n"), out);
        assertEquals(true, out.contains("      uri.header X-Note: a b\n"), out);
    }

    @Test
    void invalidDocument_printsEveryErrorWithFileLineColumn_exit1() throws Exception {
        Path file = fixture("invalid/several_errors.xml");
        Run run = run(file);
        assertEquals(1, run.exitCode());
        assertEquals(file + ":3:3: <Say> is not supported by this engine (it runs Dial, Hangup, Pause, Redirect, Reject)\n"
                + file + ":4:3: <Dial timeout>: 'thirty' is not a number\n"
                + file + ":4:3: <Dial callerId>: 'Front Desk' may hold only letters, digits and +-_., with no whitespace\n"
                + file + ":5:10: <Sip>: header Call-ID is set by the SIP stack and cannot come from the URI\n"
                + file + ":6:5: <Number> cannot be in a <Dial> that contains a <Sip> (no other noun may be added "
                + "beside <Sip>)\n", run.stdout());
    }

    @Test
    void notWellFormed_printsOneError_exit1() throws Exception {
        Path file = fixture("invalid/not_well_formed.xml");
        Run run = run(file);
        assertEquals(1, run.exitCode());
        assertEquals(true, run.stdout().startsWith(file + ":4:3: not well-formed XML: "), run.stdout());
        assertEquals(1, run.stdout().lines().count());
    }

    @Test
    void warnings_doNotFail(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.xml");
        Files.writeString(file, "<Response>\n<Dial timeout=\"900\"><Sip>sip:a@example.com</Sip></Dial>\n</Response>\n");
        Run run = run(file);
        assertEquals(0, run.exitCode());
        assertEquals(true, run.stdout().startsWith(file + ":2:1: warning: <Dial timeout>: 900 is outside 5..600, "
                + "using 600\nResponse\n"), run.stdout());
        assertEquals(true, run.stdout().contains("    timeout: 600\n"), run.stdout());
    }

    @Test
    void missingFile_exit1(@TempDir Path dir) {
        Path file = dir.resolve("absent.xml");
        Run run = run(file);
        assertEquals(1, run.exitCode());
        assertEquals(true, run.stdout().startsWith(file + ": cannot read: "), run.stdout());
    }
}
