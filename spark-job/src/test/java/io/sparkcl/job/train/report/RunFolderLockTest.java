package io.sparkcl.job.train.report;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run per folder (issue 13, item 3). */
class RunFolderLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondHolderIsRefusedUntilTheFirstReleases() throws Exception {
        String run = dir.resolve("run").toString();
        RunFolderLock first = RunFolderLock.acquire(run, new Configuration());
        RunFolderLock.HeldException e = assertThrows(RunFolderLock.HeldException.class,
                () -> RunFolderLock.acquire(run, new Configuration()));
        assertTrue(e.getMessage().contains("in use by another run (process " + ProcessHandle.current().pid()),
                e.getMessage());
        first.close();
        assertFalse(Files.exists(dir.resolve("run").resolve(RunFolderLock.FILE)));
        RunFolderLock.acquire(run, new Configuration()).close();
    }

    @Test
    void ofProcessesRacingForTheFolderExactlyOneWins() throws Exception {
        String run = dir.resolve("race").toString();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RunFolderLock>> tries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tries.add(pool.submit(() -> {
                go.await();
                try {
                    return RunFolderLock.acquire(run, new Configuration());
                } catch (RunFolderLock.HeldException e) {
                    return null;
                }
            }));
        }
        go.countDown();
        List<RunFolderLock> winners = new ArrayList<>();
        for (Future<RunFolderLock> f : tries) {
            RunFolderLock l = f.get();
            if (l != null) {
                winners.add(l);
            }
        }
        pool.shutdown();
        assertEquals(1, winners.size());
        winners.forEach(RunFolderLock::close);
    }

    @Test
    void theLockOfAKilledProcessIsTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path run = Files.createDirectories(dir.resolve("crashed"));
        Files.writeString(run.resolve(RunFolderLock.FILE), "host=" + InetAddress.getLocalHost().getHostName()
                + "\npid=" + dead.pid() + "\nprocess-start=2026-01-01T00:00:00Z\nsince=2026-01-01T00:00:00Z\n");
        try (RunFolderLock taken = RunFolderLock.acquire(run.toString(), new Configuration())) {
            assertTrue(Files.readString(run.resolve(RunFolderLock.FILE))
                    .contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void theLockOfAnotherHostIsNotTakenOver() throws Exception {
        Path run = Files.createDirectories(dir.resolve("remote"));
        Files.writeString(run.resolve(RunFolderLock.FILE),
                "host=some-other-host\npid=1\nprocess-start=?\nsince=2026-01-01T00:00:00Z\n");
        RunFolderLock.HeldException e = assertThrows(RunFolderLock.HeldException.class,
                () -> RunFolderLock.acquire(run.toString(), new Configuration()));
        assertTrue(e.getMessage().contains("some-other-host") && e.getMessage().contains("delete"), e.getMessage());
    }
}
