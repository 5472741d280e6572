package dev.qbi.adapters.local.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.error.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

  @TempDir Path dir;

  @Test
  void a_new_secret_file_is_owner_only_in_an_owner_only_directory() throws Exception {
    Path file = dir.resolve("keys/url-signing.key");

    byte[] secret = Secrets.loadOrCreate(file, 32);

    assertThat(secret).hasSize(32);
    assertThat(Files.readAllBytes(file)).isEqualTo(secret);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void the_secret_is_the_same_on_every_load() {
    Path file = dir.resolve("keys/url-signing.key");

    byte[] first = Secrets.loadOrCreate(file, 32);
    byte[] second = Secrets.loadOrCreate(file, 32);

    assertThat(second).isEqualTo(first);
    assertThat(first).isNotEqualTo(new byte[32]);
  }

  @Test
  void different_files_get_different_secrets() {
    assertThat(Secrets.loadOrCreate(dir.resolve("a.key"), 32))
        .isNotEqualTo(Secrets.loadOrCreate(dir.resolve("b.key"), 32));
  }

  @Test
  void loose_permissions_on_an_existing_secret_are_tightened() throws Exception {
    Path file = dir.resolve("loose.key");
    Files.write(file, new byte[32]);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Secrets.loadOrCreate(file, 32);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void a_secret_file_of_the_wrong_size_is_refused() throws Exception {
    Path file = dir.resolve("short.key");
    Files.write(file, new byte[5]);

    assertThatThrownBy(() -> Secrets.loadOrCreate(file, 32)).isInstanceOf(StorageException.class);
  }

  @Test
  void a_generated_secret_is_stored_as_made() throws Exception {
    Path file = dir.resolve("keys/signing-key.der");
    byte[] made = {1, 2, 3, 4, 5};

    assertThat(Secrets.loadOrCreate(file, () -> made)).isEqualTo(made);
    assertThat(Secrets.loadOrCreate(file, () -> new byte[] {9})).isEqualTo(made);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void concurrent_first_loads_agree_on_one_secret() throws Exception {
    Path file = dir.resolve("keys/race.key");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<byte[]>> loads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        loads.add(
            pool.submit(
                () -> {
                  go.await();
                  return Secrets.loadOrCreate(file, 32);
                }));
      }
      go.countDown();
      byte[] first = loads.get(0).get(30, TimeUnit.SECONDS);
      for (Future<byte[]> f : loads) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(first);
      }
      assertThat(Files.readAllBytes(file)).isEqualTo(first);
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(file.getParent())) {
      assertThat(files.toList()).containsExactly(file);
    }
  }

  @Test
  void write_owner_only_replaces_content() throws Exception {
    Path file = dir.resolve("keys/rewritten.key");
    Secrets.writeOwnerOnly(file, new byte[] {1});
    Secrets.writeOwnerOnly(file, new byte[] {2, 2});

    assertThat(Files.readAllBytes(file)).containsExactly(2, 2);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
