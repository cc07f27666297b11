package io.modstream.trainer;

import io.modstream.schemas.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trainer} command line: training, evaluation, releases and the retraining service (see
 * the subcommands). Only this class calls {@link System#exit}.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Trains and evaluates modstream's toxicity models.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      VerifyEngineCommand.class,
      CrossValidateCommand.class,
      ReleaseCommand.class,
      ReleasesCommand.class,
      KeysCommand.class,
      RetrainCommand.class,
      FeedbackExperimentCommand.class,
      ServeCommand.class,
      ConsoleCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TrainerCli {

  private TrainerCli() {}

  /**
   * Runs the command line.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // Before the first logger (the commands' classes load with the command line).
    System.getProperties().putIfAbsent("modstream.log.kafka.level", "warn");
    String problem = LogFormat.selectOrExplain(System.getenv());
    if (problem != null) {
      System.err.println("error: " + problem);
      System.exit(2);
    }
    CommandLine cli = commandLine();
    int code = cli.execute(args);
    // picocli's writers flush only on println; a report written with print would die with the JVM.
    cli.getOut().flush();
    cli.getErr().flush();
    System.exit(code);
  }

  /**
   * Builds the command line with its error handling; tests call this to run commands in-process.
   *
   * @return the configured command line
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TrainerCli());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          if (Boolean.getBoolean("modstream.debug")) {
            e.printStackTrace(cmd.getErr());
          } else {
            cmd.getErr().println("(run with -Dmodstream.debug=true for the stack trace)");
          }
          return 1;
        });
    return cli;
  }
}
