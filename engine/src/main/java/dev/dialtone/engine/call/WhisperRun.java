package dev.dialtone.engine.call;

import dev.dialtone.engine.call.DocumentFetcher.Fetched;
import dev.dialtone.engine.cxml.Dial;
import dev.dialtone.engine.cxml.Hangup;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.cxml.Pause;
import dev.dialtone.engine.cxml.Redirect;
import dev.dialtone.engine.cxml.Reject;
import dev.dialtone.engine.cxml.Verb;
import dev.dialtone.media.sdp.SessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code <Sip url>} document, run on the dialed leg after it answers and before it is bridged: it may pause
 * (the callee hears the caller meanwhile) or hang up, which declines the call; reaching its end bridges.
 */
final class WhisperRun {
    private static final Logger log = LoggerFactory.getLogger(WhisperRun.class);

    private final DialOperation op;
    private final OutboundLeg leg;
    private final SessionDescription calleeAnswer;
    private List<Verb> verbs = List.of();
    private int next;
    private String url;
    private boolean aborted;

    WhisperRun(DialOperation op, OutboundLeg leg, SessionDescription calleeAnswer) {
        this.op = op;
        this.leg = leg;
        this.calleeAnswer = calleeAnswer;
    }

    void start() {
        fetch(op.parentDocumentUrl(), leg.sip.url().get(), leg.sip.method());
    }

    void abort() {
        aborted = true;
    }

    private void fetch(String base, String target, HttpMethod method) {
        Map<String, String> p = CallParams.standard(leg.call, null, null);
        if (leg.invite != null) {
            p.put("SipCallId", leg.invite.callId());
        }
        p.putAll(leg.xHeaders("SipHeader_"));
        op.parent.engine.fetcher().fetch(base, target, method, p).whenCompleteAsync((fetched, err) -> {
            if (aborted) {
                return;
            }
            if (err != null) {
                log.warn("Call {} whisper document failed: {}", leg.call.callSid(), OutboundLeg.rootMessage(err));
                op.whisperDeclined(leg, "whisper document failed");
                return;
            }
            run(fetched);
        }, op.parent.executor);
    }

    private void run(Fetched fetched) {
        url = fetched.url();
        verbs = fetched.document().verbs();
        next = 0;
        runNext();
    }

    private void runNext() {
        if (aborted) {
            return;
        }
        if (next >= verbs.size()) {
            op.connect(leg, calleeAnswer);
            return;
        }
        Verb verb = verbs.get(next++);
        if (verb instanceof Hangup || verb instanceof Reject) {
            op.whisperDeclined(leg, "whisper hung up");
        } else if (verb instanceof Pause p) {
            op.parent.schedule(Duration.ofSeconds(p.length()), this::runNext);
        } else if (verb instanceof Redirect r) {
            fetch(url, r.url(), r.method());
        } else if (verb instanceof Dial) {
            log.warn("Call {} whisper document may not <Dial>; declining", leg.call.callSid());
            op.whisperDeclined(leg, "whisper document dialed");
        }
    }
}
