/// What a libvirt URI says about the driver behind it, for the parts of Ballast that
/// look for a domain's cgroup (the backend, `ballast doctor`).
public enum LibvirtURI {
    /// The driver whose domains live in libvirt machine cgroups (`qemu-<id>-<name>`),
    /// or nil for drivers without host cgroups (the test driver), whose domains must
    /// never be matched to another driver's cgroup by id.
    public static func cgroupDriver(_ uri: String) -> String? {
        let scheme = uri.split(separator: ":").first.map { $0.split(separator: "+").first.map(String.init) ?? "" } ?? ""
        return ["qemu", "lxc"].contains(scheme) ? scheme : nil
    }
}
