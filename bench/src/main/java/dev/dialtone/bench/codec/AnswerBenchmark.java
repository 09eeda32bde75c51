package dev.dialtone.bench.codec;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.codec.SipValidator;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SessionExpires;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a caller's stack does with each 2xx to its INVITE, once per answered call: parse it, validate it as the
 * transport does, and read what the transaction layer (top Via, CSeq), the dialog layer (tags, Contact,
 * Record-Route, whether Allow lists UPDATE, read once as the dialog is made and once as the answer is handled) and
 * the session timer (Session-Expires, Supported, Require) take from it. Dialtone's codec alone: the peers have no
 * validator or dialog layer to compare. Run: see bench/RESULTS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnswerBenchmark {

    private byte[] bytes;

    @Setup
    public void load() {
        bytes = Corpus.load("ok-sdp");
    }

    @Benchmark
    public long answerReceived() {
        SipMessage m = SipParser.parse(bytes);
        SipValidator.validate(m);
        long acc = m.topVia().branch().length() + m.cseq().seq() + m.callId().length();
        acc += m.from().tag().length() + m.to().tag().length();
        Address contact = m.contacts().get(0).address();
        acc += contact.uri().toString().length() + m.recordRoutes().size();
        for (int i = 0; i < 2; i++) {
            acc += m.allow().contains(SipMethod.UPDATE) ? 1 : 0;
        }
        SessionExpires se = m.sessionExpires();
        acc += (se == null ? 0 : se.delta()) + m.supported().size() + m.require().size();
        return acc;
    }
}
