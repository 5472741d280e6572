package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.error.StorageException;
import java.nio.file.Path;

/**
 * A database file is not a database or fails {@code PRAGMA quick_check}: the server refuses to
 * start on it rather than answer with errors later. The message is one line saying what to do.
 */
public final class DamagedDatabaseException extends StorageException {
  private static final long serialVersionUID = 1L;

  DamagedDatabaseException(Path file, String detail, Throwable cause) {
    super(
        "the database "
            + file
            + " is damaged ("
            + detail
            + "): restore it from a backup, or start with an empty data dir",
        cause);
  }
}
