/// Namespace marker for the BallastMetrics target; real contents arrive with their issue.
public enum BallastMetricsModule {}
