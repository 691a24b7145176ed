#if canImport(Glibc)
import Glibc
@testable import BallastPlugins
import Testing

/// A plugin gets its three standard streams and nothing else of Ballast's. Found under
/// ThreadSanitizer (docs/sanitizers.md): plugins inherited every descriptor of the test
/// process not marked close-on-exec, among them the write end of another child's
/// standard input, so that child never saw its input end and the test waiting for it
/// hung the run.
@Suite("plugin spawn: inherited descriptors")
struct SpawnDescriptorTests {
    @Test func aDescriptorWithoutCloseOnExecDoesNotReachThePlugin() throws {
        var pair: [Int32] = [-1, -1]
        #expect(pipe(&pair) == 0)  // plain pipe(2): neither end is close-on-exec
        defer { for fd in pair { close(fd) } }
        let script = """
            import os, sys
            found = []
            for fd in (\(pair[0]), \(pair[1])):
                try:
                    os.fstat(fd)
                    found.append(str(fd))
                except OSError:
                    pass
            sys.stdout.write("inherited: " + " ".join(found))
            """
        let child = try ChildProcess.spawn(argv: [Repo.python, "-c", script], workingDirectory: nil, environment: [:])
        close(child.stdinFD)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(child.stdoutFD, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            output += buffer[0..<count]
        }
        close(child.stdoutFD)
        close(child.stderrFD)
        var status: Int32 = 0
        _ = waitpid(child.pid, &status, 0)
        #expect(String(decoding: output, as: UTF8.self) == "inherited: ")
        #expect(ChildProcess.describe(status) == "exited with status 0")
    }
}
#endif
