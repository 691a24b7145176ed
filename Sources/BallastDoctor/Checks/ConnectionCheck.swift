/// The first host check: can Ballast reach libvirtd at the URI, and may it change domains
/// (a read-write connection)? Turns the outcome of the two connection attempts into a finding.
public enum ConnectionCheck {
    static let check = "host.libvirt"

    /// How the attempts went: read-write first, read-only only when read-write failed.
    public enum Outcome: Sendable, Hashable {
        case readWrite
        /// Read-write refused (the message), read-only accepted: a permission problem.
        case readOnlyOnly(readWriteError: String)
        /// Neither worked (the read-write attempt's message).
        case unreachable(error: String)
        /// No answer within the bound, seconds.
        case timedOut(seconds: Double)
    }

    static let reachFix = """
        start libvirtd (systemctl start libvirtd, or on a modular install systemctl start virtqemud.socket); \
        check the socket path in the URI (e.g. qemu+unix:///system?socket=/run/libvirt/libvirt-sock); \
        check that this user may open it (run as root, or add the user to the libvirt group)
        """

    static let reachWhy = "Ballast reads every guest and makes every change through libvirtd"

    public static func finding(uri: String, outcome: Outcome) -> Finding {
        switch outcome {
        case .readWrite:
            return .ok(check, .host, "libvirtd answers at \(uri); read-write connection works")
        case .readOnlyOnly(let error):
            return blocker(found: "libvirtd answers at \(uri) read-only, but a read-write connection is refused: \(error)",
                           why: "Ballast changes balloons, vCPUs and CPU weights, which needs a read-write connection",
                           fix: "run Ballast (and this check) as root, or add its user to the libvirt group "
                               + "(usermod -aG libvirt USER) or allow it in polkit (org.libvirt.unix.manage)")
        case .unreachable(let error):
            return blocker(found: "cannot connect to \(uri): \(error)", why: reachWhy, fix: reachFix)
        case .timedOut(let seconds):
            return blocker(found: "no answer from \(uri) within \(Int(seconds)) s", why: reachWhy,
                           fix: "check that libvirtd is not hung (systemctl status libvirtd) and that the URI's host "
                               + "answers; " + reachFix)
        }
    }

    private static func blocker(found: String, why: String, fix: String) -> Finding {
        Finding(check: check, scope: .host, severity: .blocker, found: found, why: why, fix: fix)
    }
}
