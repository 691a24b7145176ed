/// Namespace marker for the BallastSim target; real contents arrive with their issue.
public enum BallastSimModule {}
