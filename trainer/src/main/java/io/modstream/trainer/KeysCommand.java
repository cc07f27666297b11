package io.modstream.trainer;

import io.modstream.schemas.ReleaseSigning;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trainer keys generate}: an Ed25519 key pair for signing releases. The private key stays
 * with whoever publishes releases; the public key goes to every instance's {@code
 * model.trusted.keys}.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Keys that sign releases (see 'keys generate').",
    subcommands = {KeysCommand.Generate.class, CommandLine.HelpCommand.class})
final class KeysCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Writes NAME.key (private, owner-only) and NAME.pub into a directory. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      showDefaultValues = true,
      description = {
        "Generates an Ed25519 key pair for signing releases: <out>/<name>.key, the private key"
            + " (PKCS#8 PEM followed by its public key; owner-only) for 'trainer release"
            + " --signing-key', and <out>/<name>.pub, the public key (X.509 PEM) for the"
            + " instances' model.trusted.keys. Existing files are never overwritten."
      })
  static final class Generate implements Callable<Integer> {

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Directory for the two files (created if missing).")
    Path out;

    @Option(names = "--name", description = "Base name of the two files.")
    String name = "release-signing";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ReleaseSigning.KeyFiles files = ReleaseSigning.generate(out, name);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("key id " + files.keyId());
      stdout.println(
          "private key "
              + files.privateKey()
              + " (keep it with the trainer: trainer release --signing-key FILE)");
      stdout.println(
          "public key  " + files.publicKey() + " (list it in the instances' model.trusted.keys)");
      return 0;
    }
  }
}
