package io.modstream.tools;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The user tools for a running pipeline: {@code java -jar modstream-tools.jar
 * produce|tail|feedback|count}. They live outside the streams app's jar so the service ships only
 * what it runs. Only {@code main} calls {@link System#exit}.
 */
@Command(
    name = "modstream-tools",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes comments and moderator verdicts to the pipeline's topics and reads its label"
          + " events."
    },
    subcommands = {
      ProduceCommand.class,
      TailCommand.class,
      FeedbackCommand.class,
      CountCommand.class
    })
public final class ToolsCli implements Callable<Integer> {

  /**
   * Runs one tool.
   *
   * @param args command-line arguments: the tool's name, then its options
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with every tool, failures printed as one {@code error:} line.
   *
   * @return the command line
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ToolsCli());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          return 1;
        });
    return cli;
  }

  /** Without a tool's name: the usage, and a failed exit. */
  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }
}
