package com.contoso.partnercenter.bff.partnercenter.upstream;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * One call per key in this replica, however many callers need its answer at once: the token request of a grant,
 * the upstream call for a customer's answer. Whoever asks while a call runs gets that call's answer. The call is
 * not tied to the caller that started it (one that goes away does not cancel it for the others) and runs in that
 * caller's context (its correlation id, its deadline).
 *
 * @param <K> what a call is for.
 * @param <V> its answer; a call that completes empty answers null.
 */
public final class CallsInFlight<K, V> {

    private static final class Call<V> {
        final CompletableFuture<V> answer = new CompletableFuture<>();
        volatile boolean forgotten;
    }

    private final Map<K, Call<V>> calls = new ConcurrentHashMap<>();

    /**
     * The answer of the call running for {@code key}, or of a new one, {@code start}'s. {@code keep} sees a
     * successful answer first, while the call is still in flight, so that there is no moment in which neither
     * holds it; unless the key was {@linkplain #forget forgotten} meanwhile, and {@code unkeep} is told if that
     * happened while it was being kept. Then the call leaves: a caller that asks again after hearing the answer
     * starts a new call, it does not get this finished one.
     *
     * @param joined told when the caller joins a running call instead of starting one.
     */
    public Mono<V> join(
            K key,
            Supplier<Mono<V>> start,
            ContextView context,
            Consumer<V> keep,
            Consumer<V> unkeep,
            Runnable joined) {
        return Mono.defer(() -> {
            var mine = new Call<V>();
            Call<V> running = calls.putIfAbsent(key, mine);
            if (running != null) {
                joined.run();
                return Mono.fromFuture(running.answer, true);
            }
            start.get()
                    .contextWrite(context)
                    .subscribe(
                            answer -> settle(key, mine, answer, keep, unkeep),
                            failure -> {
                                calls.remove(key, mine);
                                mine.answer.completeExceptionally(failure);
                            },
                            () -> {
                                if (!mine.answer.isDone()) {
                                    settle(key, mine, null, keep, unkeep);
                                }
                            });
            return Mono.fromFuture(mine.answer, true);
        });
    }

    /** {@link #join} with nothing kept: the answer is only handed to those who asked. */
    public Mono<V> join(K key, Supplier<Mono<V>> start, ContextView context) {
        return join(key, start, context, answer -> {}, answer -> {}, () -> {});
    }

    private void settle(K key, Call<V> call, V answer, Consumer<V> keep, Consumer<V> unkeep) {
        if (!call.forgotten) {
            keep.accept(answer);
            if (call.forgotten) {
                unkeep.accept(answer); // forgotten while it was being kept
            }
        }
        calls.remove(key, call);
        call.answer.complete(answer);
    }

    /**
     * The calls for these keys are out of date (the customer changed): whoever asks next starts a new call, and
     * the answers they bring are handed to their callers but not kept.
     */
    public void forget(Predicate<K> which) {
        calls.entrySet().removeIf(entry -> {
            boolean forgotten = which.test(entry.getKey());
            if (forgotten) {
                entry.getValue().forgotten = true;
            }
            return forgotten;
        });
    }
}
