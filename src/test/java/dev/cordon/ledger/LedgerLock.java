package dev.cordon.ledger;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One gate at a time on a ledger: every writing phase holds an exclusive lock on a file beside the ledger
 * ({@code ledger.jsonl.lock}) from before its first request to its end. Two gates on one ledger once both said SEEDED
 * over a file of interleaved, unparseable lines; now the second is refused (exit 2) naming the holder. The operating
 * system releases the lock when the holder's process ends, however it ends (kill -9 included), so a stale lock file
 * never blocks anyone: only a live holder does.
 */
public final class LedgerLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private LedgerLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a ledger: beside it, its name plus ".lock". */
    public static Path lockFile(Path ledger) {
        Path absolute = ledger.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + ".lock");
    }

    /**
     * Takes the ledger's lock or refuses at once (never waits): a {@link LedgerException} naming the holder (pid, host,
     * start time) and what to do.
     */
    public static LedgerLock acquire(Path ledger, String phase) {
        Path file = lockFile(ledger);
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null; // another gate run in this very JVM holds it
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new LedgerException("the ledger " + ledger + " is in use by another gate (" + holder + "; lock file "
                        + file + "): wait for it to end, or give this run its own ledger with --ledger PATH");
            }
            String me = "pid %d on host %s, phase %s, since %s".formatted(ProcessHandle.current().pid(), host(), phase,
                    Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new LedgerLock(file, channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the lock could not be taken anyway
                }
            }
            throw new LedgerException("cannot lock the ledger " + ledger + " (" + file + "): " + e.getMessage(), e);
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "a holder that has not written its name yet" : text.lines().findFirst().orElse(text);
    }

    /** The host's name without a name lookup (which could wait on a resolver): the environment or /etc/hostname. */
    private static String host() {
        String name = System.getenv("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name.strip();
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; the file stays (it names the last holder, and deleting it could race with the next taker). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new LedgerException("cannot release the ledger lock " + file + ": " + e.getMessage(), e);
        }
    }
}
