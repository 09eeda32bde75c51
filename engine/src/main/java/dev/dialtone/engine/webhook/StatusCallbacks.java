package dev.dialtone.engine.webhook;

import dev.dialtone.engine.cxml.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers {@code statusCallback} events (INTERFACES §4). Events of one call go out one after another, each
 * retried on a network error, timeout or 5xx with the {@link RetryPolicy}'s backoff before the next is sent, so the
 * application sees them in {@code SequenceNumber} order. {@link #send} returns at once: the call never waits for its
 * callbacks. After {@link #finish}, a call's state is dropped as soon as its last event is delivered or given up.
 *
 * <p>Each event gets {@code SequenceNumber} (0, 1, 2, ... per call, in the order of {@code send}),
 * {@code Timestamp} (the time of {@code send}, RFC 2822 form) and {@code CallbackSource=call-progress-events}
 * added to the caller's parameters, which carry the rest of the payload ({@code CallSid}, {@code CallStatus}, ...).
 */
public final class StatusCallbacks implements AutoCloseable {

    public static final String CALLBACK_SOURCE = "call-progress-events";

    // RFC 2822 §3.3 date-time with a two-digit day and a numeric zone, as in seed 002: "Thu, 04 Apr 2024 18:32:15 +0000".
    static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private static final Logger log = LoggerFactory.getLogger(StatusCallbacks.class);

    private final WebhookClient client;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Map<String, CallQueue> calls = new ConcurrentHashMap<>();

    /**
     * @param scheduler runs the retry timers (only schedules; never blocks)
     */
    public StatusCallbacks(WebhookClient client, ScheduledExecutorService scheduler, RetryPolicy retry, Clock clock) {
        this(client, scheduler, false, retry, clock);
    }

    private StatusCallbacks(WebhookClient client, ScheduledExecutorService scheduler, boolean ownsScheduler,
                            RetryPolicy retry, Clock clock) {
        this.client = client;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.retry = retry;
        this.clock = clock;
    }

    /** A dispatcher with its own timer thread, the default retry policy and the system clock. */
    public static StatusCallbacks create(WebhookClient client) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dialtone-status-callbacks");
            t.setDaemon(true);
            return t;
        });
        return new StatusCallbacks(client, scheduler, true, RetryPolicy.DEFAULT, Clock.systemUTC());
    }

    /**
     * Queues one event of {@code callSid} for {@code url}. The returned future completes when the application has
     * accepted the event, or exceptionally with the last {@link WebhookException} once retries are exhausted;
     * callers may ignore it.
     */
    public CompletableFuture<Void> send(String callSid, String url, HttpMethod method, Map<String, String> params) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CallQueue queue = calls.computeIfAbsent(callSid, CallQueue::new);
        Event next;
        synchronized (queue) {
            if (queue.finished) {
                log.debug("status callback for finished call {} dropped", callSid);
                done.completeExceptionally(new IllegalStateException("call " + callSid + " is finished"));
                return done;
            }
            Map<String, String> payload = new LinkedHashMap<>();
            payload.put("CallSid", callSid);
            payload.putAll(params);
            payload.put("SequenceNumber", Integer.toString(queue.nextSequence++));
            payload.put("Timestamp", RFC_2822.format(clock.instant()));
            payload.put("CallbackSource", CALLBACK_SOURCE);
            queue.pending.add(new Event(new WebhookRequest(url, method, payload), done));
            next = queue.busy ? null : queue.pending.poll();
            queue.busy = true;
        }
        if (next != null) {
            attempt(queue, next, 0);
        }
        return done;
    }

    /**
     * No more events will be sent for {@code callSid}; its state goes once its queue is drained. Call it once, after
     * the call's last {@link #send}: an event sent after the state is gone would start a new sequence at 0.
     */
    public void finish(String callSid) {
        CallQueue queue = calls.get(callSid);
        if (queue == null) {
            return;
        }
        synchronized (queue) {
            queue.finished = true;
            if (!queue.busy) {
                calls.remove(callSid, queue);
            }
        }
    }

    /** Calls with state held: events queued or in flight, or not yet finished. */
    public int activeCalls() {
        return calls.size();
    }

    private void attempt(CallQueue queue, Event event, int retries) {
        client.fetch(event.request).whenComplete((response, error) -> {
            if (error == null) {
                delivered(queue, event, null);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            boolean transientFailure = cause instanceof WebhookException w && w.isTransient();
            if (transientFailure && retries < retry.retries()) {
                long delay = retry.delayBefore(retries + 1).toNanos();
                log.debug("status callback {} #{} of {} failed ({}), retry {} in {} ms", event.request.url(),
                        event.request.params().get("SequenceNumber"), queue.callSid, cause.getMessage(),
                        retries + 1, TimeUnit.NANOSECONDS.toMillis(delay));
                try {
                    scheduler.schedule(() -> attempt(queue, event, retries + 1), delay, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closed) {
                    delivered(queue, event, cause);
                }
                return;
            }
            log.warn("status callback {} #{} of {} given up: {}", event.request.url(),
                    event.request.params().get("SequenceNumber"), queue.callSid, cause.getMessage());
            delivered(queue, event, cause);
        });
    }

    /** Ends one event (delivered, or given up with {@code failure}) and starts the call's next one. */
    private void delivered(CallQueue queue, Event event, Throwable failure) {
        Event next;
        synchronized (queue) {
            next = queue.pending.poll();
            if (next == null) {
                queue.busy = false;
                if (queue.finished) {
                    calls.remove(queue.callSid, queue);
                }
            }
        }
        if (failure == null) {
            event.done.complete(null);
        } else {
            event.done.completeExceptionally(failure);
        }
        if (next != null) {
            attempt(queue, next, 0);
        }
    }

    /** Stops the retry timers if this dispatcher created them; queued events are dropped. */
    @Override
    public void close() {
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        calls.clear();
    }

    private record Event(WebhookRequest request, CompletableFuture<Void> done) {
    }

    /** One call's serial queue; guarded by its own monitor, held only to move events, never during I/O. */
    private static final class CallQueue {
        final String callSid;
        final Deque<Event> pending = new ArrayDeque<>();
        int nextSequence;
        boolean busy;
        boolean finished;

        CallQueue(String callSid) {
            this.callSid = callSid;
        }
    }
}
