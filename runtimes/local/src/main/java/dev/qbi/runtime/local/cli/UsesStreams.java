package dev.qbi.runtime.local.cli;

/** A command that reads or writes the process's streams, which tests replace with their own. */
public interface UsesStreams {
  void streams(Streams streams);
}
