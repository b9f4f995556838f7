package org.multiprocessing4j.pool;

import java.time.Duration;

/**
 * Figures of one pool worker slot over the pool's life (replacements included): an addition to
 * Python, in the spirit of mpire's worker insights.
 *
 * @param worker the worker's slot number, from 0
 * @param pid the pid of the slot's current (or last) worker process, null before it reported
 * @param tasksDone tasks (chunks) completed
 * @param busy time spent running tasks
 * @param idle time alive and ready but not running a task
 * @param startup start-up time of the slot's workers, summed: each from its start to the pool
 *     receiving its ready message (the JVM's boot, or a warm spare taking the process, and the
 *     initializer)
 * @param restarts how many times the slot's worker was replaced
 */
public record WorkerInsight(int worker, Long pid, long tasksDone, Duration busy, Duration idle, Duration startup,
    int restarts) {}
