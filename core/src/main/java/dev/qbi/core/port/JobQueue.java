package dev.qbi.core.port;

/**
 * A durable, at-least-once queue with both sides: what the local runtime and the queue adapters
 * implement. Use cases depend on one side only: intake sends, workers read the inbox.
 */
public interface JobQueue extends JobSender, JobInbox {}
