/// The version string Ballast reports in `ballast_build_info` and `/v1/state`,
/// so that dashboards can tell which build produced a series.
public enum BallastBuild {
    public static let version = "0.1.0"
}
