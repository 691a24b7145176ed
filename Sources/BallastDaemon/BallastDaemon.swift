/// Namespace marker for the BallastDaemon target; real contents arrive with their issue.
public enum BallastDaemonModule {}
