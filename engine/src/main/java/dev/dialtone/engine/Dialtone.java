package dev.dialtone.engine;

import dev.dialtone.engine.call.CallEngine;
import dev.dialtone.engine.call.DocumentFetcher;
import dev.dialtone.engine.call.EngineConfig;
import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.engine.webhook.StatusCallbacks;
import dev.dialtone.engine.webhook.WebhookClient;
import dev.dialtone.engine.webhook.WebhookObserver;
import dev.dialtone.media.rtp.RtpRelay;
import dev.dialtone.media.rtp.RtpRelayConfig;
import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.transport.TlsConfig;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import dev.dialtone.sip.transaction.ServerTransaction;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Dialtone embedded: a SIP B2BUA that runs cXML, inside your own JVM.
 *
 * <pre>{@code
 * Dialtone dialtone = Dialtone.builder()
 *         .sipPort(5060)
 *         .application(request -> "<Response><Dial><Sip>sip:bob@10.0.0.7;transport=udp</Sip></Dial></Response>")
 *         .onCallStatus((call, previous) -> System.out.println(call.callSid() + " " + call.status().wire()))
 *         .start();
 * ...
 * dialtone.close();
 * }</pre>
 *
 * The application is either an in-process {@link Application} or a webhook URL ({@code http(s)://} or
 * {@code file:}), as the standalone server's {@code --inbound-url}.
 */
public final class Dialtone implements AutoCloseable {
    private final SipStack stack;
    private final RtpRelay relay;
    private final WebhookClient webhooks;
    private final StatusCallbacks callbacks;
    private final CallEngine engine;
    private final ExecutorService appExecutor;

    private Dialtone(Builder b) throws IOException {
        AtomicInteger n = new AtomicInteger();
        appExecutor = new ThreadPoolExecutor(b.appThreads, b.appThreads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(4096), r -> {
                    Thread t = new Thread(r, "dialtone-app-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        WebhookClient.Builder wb = WebhookClient.builder();
        if (b.webhookToken != null) {
            wb.signingToken(b.webhookToken);
        }
        if (b.webhookObserver != null) {
            wb.observer(b.webhookObserver);
        }
        webhooks = wb.build();
        callbacks = StatusCallbacks.create(webhooks);
        RtpRelay r = null;
        SipStack s = null;
        try {
            r = RtpRelay.create(RtpRelayConfig.builder().bindAddress(InetAddress.getByName(b.bindHost))
                    .ports(b.rtpLow, b.rtpHigh).build());
            String advertised = b.advertisedHost != null ? b.advertisedHost : b.bindHost;
            // No application at all is allowed (the server's default): calls nobody handles get 404.
            String inbound = b.applicationUrl != null ? b.applicationUrl : b.application != null ? "/" : null;
            engine = new CallEngine(new EngineConfig(b.accountSid, advertised, inbound, b.applicationMethod,
                    b.mediaTimeout, b.drainTimeout), r, new DocumentFetcher(webhooks, b.application, appExecutor),
                    callbacks, Clock.systemUTC());
            for (CallEngine.Listener l : b.listeners) {
                engine.addListener(l);
            }
            TransportConfig.Builder tb = TransportConfig.builder().bindHost(b.bindHost).advertisedHost(advertised)
                    .port(b.sipPort);
            if (b.tls != null) {
                tb.tlsPort(b.tlsPort).tls(b.tls);
            } else {
                tb.tlsPort(0).tls(null);
            }
            s = SipStack.builder().transport(tb.build()).listener(engine).start();
            engine.attach(s);
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            if (r != null) {
                r.close();
            }
            callbacks.close();
            webhooks.close();
            appExecutor.shutdownNow();
            throw e;
        }
        relay = r;
        stack = s;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The SIP address calls come in on, for the transport asked. */
    public InetSocketAddress sipAddress(Transport transport) {
        return stack.transport().localAddress(transport);
    }

    /** Calls whose state, timers or media ports are not yet released. */
    public int activeCalls() {
        return engine.activeCalls();
    }

    /** The engine itself, for the server around it (registrar, metrics). */
    public CallEngine engine() {
        return engine;
    }

    public SipStack stack() {
        return stack;
    }

    public RtpRelay relay() {
        return relay;
    }

    /** Who answers REGISTER (the standalone server's registrar); without one, REGISTER gets 405. */
    public void setRegistrar(Consumer<ServerTransaction> registrar) {
        engine.setRegistrar(registrar);
    }

    /**
     * Stops taking calls (new INVITEs get 503), lets live ones finish for up to the drain timeout, hangs up the
     * rest, and releases every port and thread.
     */
    @Override
    public void close() {
        try {
            engine.drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stack.close();
        relay.close();
        callbacks.close();
        webhooks.close();
        appExecutor.shutdownNow();
    }

    public static final class Builder {
        private String bindHost = "127.0.0.1";
        private String advertisedHost;
        private int sipPort = 5060;
        private int tlsPort = 0;
        private TlsConfig tls;
        private int rtpLow = 20000;
        private int rtpHigh = 29999;
        private Application application;
        private String applicationUrl;
        private HttpMethod applicationMethod = HttpMethod.POST;
        private String accountSid = "dialtone";
        private String webhookToken;
        private WebhookObserver webhookObserver;
        private Duration mediaTimeout = Duration.ofSeconds(60);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private int appThreads = 4;
        private final List<CallEngine.Listener> listeners = new ArrayList<>();

        /** The address SIP and RTP bind (default 127.0.0.1; {@code 0.0.0.0} for every interface). */
        public Builder bindHost(String host) {
            this.bindHost = Objects.requireNonNull(host);
            return this;
        }

        /** The address written into Via, Contact and SDP, when it is not the bound one (NAT, 0.0.0.0). */
        public Builder advertisedHost(String host) {
            this.advertisedHost = host;
            return this;
        }

        /** UDP and TCP port; 0 picks a free one. */
        public Builder sipPort(int port) {
            this.sipPort = port;
            return this;
        }

        /** TLS on {@code port} (0 picks a free one) with the given certificate material. */
        public Builder tls(int port, TlsConfig tls) {
            this.tlsPort = port;
            this.tls = tls;
            return this;
        }

        public Builder rtpPorts(int low, int high) {
            this.rtpLow = low;
            this.rtpHigh = high;
            return this;
        }

        /** An in-process application; relative URLs in its documents come back to it. */
        public Builder application(Application application) {
            this.application = application;
            return this;
        }

        /** A webhook application ({@code http(s)://} or {@code file:}). */
        public Builder applicationUrl(String url, HttpMethod method) {
            this.applicationUrl = url;
            this.applicationMethod = method;
            return this;
        }

        /** {@code AccountSid} of every call. */
        public Builder accountSid(String accountSid) {
            this.accountSid = accountSid;
            return this;
        }

        /** Signs every webhook request (X-Twilio-Signature / X-SignalWire-Signature) with this token. */
        public Builder webhookToken(String token) {
            this.webhookToken = token;
            return this;
        }

        public Builder webhookObserver(WebhookObserver observer) {
            this.webhookObserver = observer;
            return this;
        }

        /** How long a bridged call may carry no media before it is hung up; zero disables. */
        public Builder mediaTimeout(Duration timeout) {
            this.mediaTimeout = timeout;
            return this;
        }

        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = timeout;
            return this;
        }

        /** Hears every state change of every call leg, on the call's event loop; must not block. */
        public Builder onCallStatus(CallEngine.Listener listener) {
            listeners.add(listener);
            return this;
        }

        public Dialtone start() throws IOException {
            return new Dialtone(this);
        }
    }
}
