package dev.qbi.runtime.local.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the backend takes writes, as {@code /health/ready} reports it.
 *
 * @param writable false while writes fail (a full disk; an unreachable queue or table)
 * @param problem what is wrong, when something is
 * @param since when this state began
 */
public record StorageHealth(boolean writable, Optional<String> problem, Instant since) {}
