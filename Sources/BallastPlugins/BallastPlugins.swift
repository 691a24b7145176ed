/// Namespace marker for the BallastPlugins target; real contents arrive with their issue.
public enum BallastPluginsModule {}
