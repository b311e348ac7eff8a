package dev.cordon.clinic;

/** A clinic that is serving. Closing it stops the server and closes its database pool. */
public interface RunningClinic extends AutoCloseable {
    int port();

    String release();

    @Override
    void close();
}
