#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure the process may hold the endpoint's connection bound on top of the
/// descriptors the daemon needs anyway, before it listens: a process out of
/// descriptors can accept nothing, `/healthz` included. The default bound (64) fits
/// far below the usual soft limit (1,024), and shedding keeps the endpoint at the
/// bound whatever the number of clients; a larger configured bound raises the soft
/// `RLIMIT_NOFILE` to what it needs, and fails when the hard limit is below that.
enum FileDescriptorRoom {
    /// Descriptors kept for everything but the endpoint: libvirt, plugin pipes, cgroup files, logs.
    static let reserve: rlim_t = 256

    /// The soft limit after making room for `connections`; throws what to change when the hard limit is too low.
    @discardableResult
    static func ensure(connections: Int) throws(MetricsServerError) -> rlim_t {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else {
            throw MetricsServerError(description: "cannot read the open-file limit (getrlimit: errno \(errno))")
        }
        let needed = rlim_t(max(0, connections)) + reserve
        if limit.rlim_cur >= needed { return limit.rlim_cur }  // RLIM_INFINITY is the largest value
        guard limit.rlim_max >= needed else {
            throw MetricsServerError(description: "the metrics endpoint may hold \(connections) connections, which "
                + "with \(reserve) descriptors for the rest needs an open-file limit of \(needed); the hard limit "
                + "is \(limit.rlim_max): raise it (LimitNOFILE= in the systemd unit, ulimit -Hn) or allow fewer connections")
        }
        limit.rlim_cur = needed
        guard setrlimit(resource, &limit) == 0 else {
            throw MetricsServerError(description: "cannot raise the open-file limit to \(needed) "
                + "(setrlimit: errno \(errno)); raise it with LimitNOFILE= or ulimit -n")
        }
        return needed
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
