package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.cli.ExitCode;
import dev.qbi.runtime.local.testing.Cli;
import dev.qbi.runtime.local.testing.Cli.Result;
import dev.qbi.runtime.local.testing.RunningServer;
import dev.qbi.runtime.local.testing.TestCertificates;
import dev.qbi.runtime.local.tls.TlsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS options through the entry point: {@code serve}'s bad TLS input is one line and an exit
 * code before anything is on disk; the client commands reach an HTTPS server with {@code --ca-cert}
 * (or {@code INGEST_CA_CERT}), and refuse it without.
 */
class HttpsCommandLineTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path work;

  private Result serve(Path dataDir, String... tlsArgs) {
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--data-dir"));
    args.add(dataDir.toString());
    args.addAll(List.of(tlsArgs));
    return Cli.run(args.toArray(String[]::new));
  }

  private void assertRefused(String because, String... tlsArgs) {
    Path dataDir = work.resolve("data-" + System.nanoTime());
    Result r = serve(dataDir, tlsArgs);
    assertThat(r.code()).as(r.toString()).isNotZero();
    String line = r.err().strip();
    assertThat(line).as(r.toString()).doesNotContain("\n").startsWith("ingest serve: ");
    assertThat(line).contains(because);
    assertThat(dataDir).as("nothing created on disk").doesNotExist();
  }

  @Test
  void bad_tls_options_are_one_line_each_before_anything_is_created() throws Exception {
    TestCertificates.Pair rsa = TestCertificates.write(work.resolve("pki"), "RSA");
    TestCertificates.Pair ec = TestCertificates.write(work.resolve("pki"), "EC");
    String cert = rsa.cert().toString();
    String key = rsa.key().toString();

    assertRefused("--tls takes 'self-signed'", "--tls", "yes");
    assertRefused("--tls-cert and --tls-key go together", "--tls-cert", cert);
    assertRefused("--tls-cert and --tls-key go together", "--tls-key", key);
    assertRefused(
        "leave out --tls-cert and --tls-key",
        "--tls",
        "self-signed",
        "--tls-cert",
        cert,
        "--tls-key",
        key);
    assertRefused("needs --tls self-signed", "--tls-host-name", "example.test");
    assertRefused("not 'bad name!'", "--tls", "self-signed", "--tls-host-name", "bad name!");

    Path missing = work.resolve("nowhere.pem");
    assertRefused(missing + " does not exist", "--tls-cert", missing.toString(), "--tls-key", key);
    assertRefused(missing + " does not exist", "--tls-cert", cert, "--tls-key", missing.toString());
    assertRefused("is a directory", "--tls-cert", work.toString(), "--tls-key", key);
    assertRefused("holds no PEM certificate", "--tls-cert", key, "--tls-key", key);
    assertRefused("holds no PEM private key", "--tls-cert", cert, "--tls-key", cert);
    // the key of another (EC) pair: wrong type for the RSA certificate; another RSA key: no match
    assertRefused(
        "is not a valid RSA private key", "--tls-cert", cert, "--tls-key", ec.key().toString());
    TestCertificates.Pair other = TestCertificates.write(work.resolve("pki2"), "RSA");
    assertRefused(
        "does not match the certificate", "--tls-cert", cert, "--tls-key", other.key().toString());

    Path pkcs1 = work.resolve("pkcs1.pem");
    Files.writeString(pkcs1, TestCertificates.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
    assertRefused(
        "openssl pkcs8 -topk8 -nocrypt", "--tls-cert", cert, "--tls-key", pkcs1.toString());
    Path encrypted = work.resolve("encrypted.pem");
    Files.writeString(encrypted, TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2}));
    assertRefused("is encrypted", "--tls-cert", cert, "--tls-key", encrypted.toString());
  }

  @Test
  void the_job_commands_work_over_https_with_ca_cert() throws Exception {
    Path dataDir = work.resolve("data");
    try (RunningServer running =
        RunningServer.start(dataDir, b -> b.tls(TlsOptions.selfSigned(List.of())))) {
      String endpoint = running.server.baseUrl().toString();
      String ca = dataDir.resolve("tls/cert.pem").toString();
      String user = "cli-tls-" + System.nanoTime() + "@example.com";

      Result signup =
          Cli.run(
              "signup",
              "--endpoint",
              endpoint,
              "--ca-cert",
              ca,
              "--admin-credentials",
              dataDir.resolve(AdminCredentials.FILE).toString(),
              "--username",
              user,
              "--password",
              RunningServer.PASSWORD);
      assertThat(signup.code()).as(signup.toString()).isEqualTo(ExitCode.OK);
      Path tokenFile = work.resolve("token");
      Result login =
          Cli.run(
              "login",
              "--endpoint",
              endpoint,
              "--ca-cert",
              ca,
              "--token-file",
              tokenFile.toString(),
              "--username",
              user,
              "--password",
              RunningServer.PASSWORD);
      assertThat(login.code()).as(login.toString()).isEqualTo(ExitCode.OK);

      String[] common = {
        "--endpoint", endpoint, "--ca-cert", ca, "--token-file", tokenFile.toString()
      };
      Path request = work.resolve("req.json");
      Files.writeString(request, "{\"testMessagePayload\":\"payload123\"}");
      Result submitted = Cli.run(with(common, "submit", request.toString()));
      assertThat(submitted.code()).as(submitted.toString()).isEqualTo(ExitCode.OK);
      Result waited =
          Cli.pipe(submitted.out(), with(common, "wait", "--interval", "20ms", "--timeout", "30s"));
      assertThat(waited.code()).as(waited.toString()).isEqualTo(ExitCode.OK);
      Path output = work.resolve("out.json");
      Result downloaded = Cli.pipe(waited.out(), with(common, "download", "-o", output.toString()));
      assertThat(downloaded.code()).as(downloaded.toString()).isEqualTo(ExitCode.OK);
      assertThat(JSON.readTree(output.toFile()).path("weatherData").size()).isEqualTo(99);

      Result status = Cli.run(with(common, "status", submitted.out().strip(), "--json"));
      assertThat(JSON.readTree(status.out()).path("jobProcessedPayload").asText())
          .startsWith(endpoint + "/download/")
          .startsWith("https://");

      Result deadLetters =
          Cli.run(
              "dead-letters",
              "list",
              "--endpoint",
              endpoint,
              "--ca-cert",
              ca,
              "--data-dir",
              dataDir.toString());
      assertThat(deadLetters.code()).as(deadLetters.toString()).isEqualTo(ExitCode.OK);

      // without the certificate: the JDK's trust store does not know it; one line says what to do
      Result untrusted =
          Cli.run(
              "status",
              submitted.out().strip(),
              "--endpoint",
              endpoint,
              "--token-file",
              tokenFile.toString());
      assertThat(untrusted.code()).isEqualTo(ExitCode.FAILED);
      assertThat(untrusted.err().strip())
          .doesNotContain("\n")
          .startsWith("ingest status: TLS handshake with " + endpoint + " failed: ")
          .contains("not trusted")
          .contains("--ca-cert");
      Result loginUntrusted =
          Cli.run(
              "login",
              "--endpoint",
              endpoint,
              "--no-save",
              "--username",
              user,
              "--password",
              RunningServer.PASSWORD);
      assertThat(loginUntrusted.code()).isEqualTo(1);
      assertThat(loginUntrusted.err()).contains("not trusted");

      Result badCa =
          Cli.run(
              "status",
              submitted.out().strip(),
              "--endpoint",
              endpoint,
              "--token-file",
              tokenFile.toString(),
              "--ca-cert",
              request.toString());
      assertThat(badCa.code()).isEqualTo(ExitCode.USAGE);
      assertThat(badCa.err()).contains("--ca-cert").contains(request.toString());
    }
  }

  private static String[] with(String[] common, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(common));
    return all.toArray(String[]::new);
  }
}
