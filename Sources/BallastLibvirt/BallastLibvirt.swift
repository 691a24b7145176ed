/// Namespace marker for the BallastLibvirt target; real contents arrive with their issue.
import CLibvirt
public enum BallastLibvirtModule {}
