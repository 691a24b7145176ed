/// Namespace marker for the BallastCgroups target; real contents arrive with their issue.
public enum BallastCgroupsModule {}
