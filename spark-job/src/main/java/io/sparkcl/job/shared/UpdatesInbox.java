package io.sparkcl.job.shared;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.UpdatesHandler;
import org.reactivestreams.Subscription;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the gradient updates that reach this JVM's parameter-server node from the other nodes: on an executor, the
 * other executors' updates (relayed by the driver); on the driver, every executor's. DL4J hands each received
 * update to every subscriber of its {@link ModelParameterServer}; its own consumer, subscribed first, applies them.
 */
final class UpdatesInbox implements UpdatesHandler {
    private static UpdatesInbox instance;
    /** The parameter server's transport {@link #instance} subscribed with (a new one after DL4J restarts it). */
    private static Object transport;
    private final AtomicLong received = new AtomicLong();

    private UpdatesInbox() {
    }

    /**
     * This JVM's inbox, subscribed after DL4J started the parameter server here (it must come after DL4J's own
     * consumer, which DL4J looks up as the first subscriber) and again when DL4J restarted it for a new training
     * (which drops the subscribers); null while the server is not running.
     */
    static synchronized UpdatesInbox ofThisJvm() {
        ModelParameterServer server = ModelParameterServer.getInstance();
        if (!server.isInitialized()) {
            return null;
        }
        if (instance == null || server.getTransport() != transport) {
            instance = new UpdatesInbox();
            transport = server.getTransport();
            server.addUpdatesSubscriber(instance);
        }
        return instance;
    }

    long received() {
        return received.get();
    }

    /** The count since the last call, and a new count from 0. */
    long take() {
        return received.getAndSet(0);
    }

    @Override
    public void onNext(INDArray update) {
        received.incrementAndGet();
    }

    @Override
    public INDArray getParametersArray() {
        throw new UnsupportedOperationException("UpdatesInbox only counts updates; DL4J's own consumer holds the"
                + " parameters");
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        // DL4J calls onNext directly; there is nothing to request
    }

    @Override
    public void onError(Throwable t) {
        // DL4J never signals errors to update subscribers
    }

    @Override
    public void onComplete() {
        // nor completion
    }
}
