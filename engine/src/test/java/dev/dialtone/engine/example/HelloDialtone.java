package dev.dialtone.engine.example;

import dev.dialtone.engine.Dialtone;

import java.io.IOException;

public final class HelloDialtone {

    public static void main(String[] args) throws IOException {
        int sipPort = args.length > 0 ? Integer.parseInt(args[0]) : 5060;
        String callee = args.length > 1 ? args[1] : "sip:bob@127.0.0.1:5070;transport=udp";
        Dialtone dialtone = start(sipPort, callee);
        System.out.println("Dialtone listening on " + dialtone.sipAddress(dev.dialtone.sip.transport.Transport.UDP));
        Runtime.getRuntime().addShutdownHook(new Thread(dialtone::close));
    }

    static Dialtone start(int sipPort, String callee) throws IOException {
        return Dialtone.builder()
                .bindHost("127.0.0.1")
                .sipPort(sipPort)
                // An in-process application: every inbound call is sent on to the callee.
                .application(request -> """
                        <Response>
                          <Dial answerOnBridge="true"><Sip>%s</Sip></Dial>
                        </Response>""".formatted(callee))
                .onCallStatus((call, previous) ->
                        System.out.println(call.callSid() + " " + previous.wire() + " -> " + call.status().wire()))
                .start();
    }
}
