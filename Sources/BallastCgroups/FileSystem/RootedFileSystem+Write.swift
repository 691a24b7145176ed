#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

extension RootedFileSystem {
    /// Writes `text` to an existing kernel file (a sysfs knob) in one write, as `echo
    /// text > path` would (truncating, which sysfs ignores), but never creates one. The
    /// kernel's refusal (EINVAL for a value out of range, EACCES, EROFS) comes back
    /// with the host path.
    public func writeText(_ path: String, _ text: String) throws(FileAccessError) {
        let fd = withResolvedPath(path) { open($0, O_WRONLY | O_TRUNC | O_CLOEXEC) }
        guard fd >= 0 else { throw .fromErrno(path: path, errno) }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        do {
            _ = try file.writeAll(Array(text.utf8))
        } catch {
            throw .fromErrno(path: path, (error as? Errno)?.rawValue ?? EIO)
        }
    }

    public func isWritable(_ path: String) -> Bool {
        withResolvedPath(path) { access($0, W_OK) } == 0
    }
}
