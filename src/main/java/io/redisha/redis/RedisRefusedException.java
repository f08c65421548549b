package io.redisha.redis;

/**
 * Redis refused a command for good rather than failing it this once: the user lacks the ACL
 * permission ({@code NOPERM}), the command is renamed or disabled ({@code rename-command}), or the
 * credentials are refused ({@code WRONGPASS}, {@code NOAUTH}). Trying again at once cannot help;
 * the message names the command and what to change.
 */
public final class RedisRefusedException extends RedisNodeException {
  private final AgentAcl command;

  public RedisRefusedException(AgentAcl command, String message, Throwable cause) {
    super(message, cause);
    this.command = command;
  }

  /** The command Redis refused. */
  public AgentAcl command() {
    return command;
  }
}
