/// The version string Ballast reports in `ballast --version`, `ballast_build_info` and
/// `/v1/state`, so that dashboards can tell which build produced a series; `make deb`
/// names and checks the package by it (contrib/debian/changelog must match).
public enum BallastBuild {
    public static let version = "0.1.0"
}
