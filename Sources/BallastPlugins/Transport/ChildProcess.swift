#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBallastSpawn
import Synchronization

/// A plugin process started with `posix_spawnp` (no shell), with its three
/// standard streams on pipes, in its own process group so that a kill reaches
/// any children it started.
///
/// Why posix_spawn and not Foundation `Process` or swift-subprocess: the
/// supervisor needs raw pipe descriptors to hand to NIO (`PluginPipes`), a
/// fresh signal disposition (Ballast ignores SIGPIPE, the child must not
/// inherit that), its own process group, and a kill that works while a request
/// is outstanding. `Process` hides the descriptors behind FileHandle and offers
/// no process group; swift-subprocess scopes the process to a closure, which
/// does not fit a long-lived, supervised child. Dropping to another user goes
/// through util-linux `setpriv` (see `PluginLauncher`).
final class ChildProcess: Sendable {
    let pid: pid_t
    let stdinFD: Int32
    let stdoutFD: Int32
    let stderrFD: Int32
    /// How the child ended, once it has been reaped.
    private let ending = Mutex<String?>(nil)

    private init(pid: pid_t, stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32) {
        self.pid = pid
        self.stdinFD = stdinFD
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    struct SpawnError: Error {
        var detail: String
    }

    /// Ballast must survive writes to a plugin that died: ignore SIGPIPE once, process-wide.
    private static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    static func spawn(argv: [String], workingDirectory: String?, environment: [String: String]) throws(SpawnError) -> ChildProcess {
        _ = ignoreSIGPIPE
        guard let program = argv.first else { throw SpawnError(detail: "empty command") }
        var fds: [Int32] = []
        for _ in 0..<3 {
            var pair: [Int32] = [-1, -1]
            let result = ballast_pipe_cloexec(&pair)
            fds.append(contentsOf: pair)
            guard result == 0 else {
                let code = errno
                for fd in fds where fd >= 0 { close(fd) }
                throw SpawnError(detail: "pipe2 failed: \(String(cString: strerror(code)))")
            }
        }
        // fds: [stdinRead, stdinWrite, stdoutRead, stdoutWrite, stderrRead, stderrWrite]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[3], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[5], 2)
        // Nothing else of Ballast's reaches the plugin: every descriptor above the three
        // streams is closed in the child, the ones not marked close-on-exec included
        // (a library's pipe, epoll or socket; whatever the test process holds). An
        // inherited pipe end kept another process's reader waiting for an end of input
        // that never came, for as long as the plugin ran (docs/sanitizers.md).
        let closing = ballast_spawn_addclosefrom(&actions, 3)
        guard closing == 0 else {
            for fd in fds { close(fd) }
            throw SpawnError(detail: "cannot close inherited descriptors: \(String(cString: strerror(closing)))")
        }
        if let workingDirectory {
            let result = ballast_spawn_addchdir(&actions, workingDirectory)
            guard result == 0 else {
                for fd in fds { close(fd) }
                throw SpawnError(detail: "cannot set working directory \(workingDirectory): \(String(cString: strerror(result)))")
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGHUP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, cArguments, cEnvironment)
        close(fds[0])
        close(fds[3])
        close(fds[5])
        guard status == 0 else {
            close(fds[1]); close(fds[2]); close(fds[4])
            let where_ = workingDirectory.map { " in \($0)" } ?? ""
            throw SpawnError(detail: "posix_spawnp \(program)\(where_): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid, stdinFD: fds[1], stdoutFD: fds[2], stderrFD: fds[4])
    }

    /// Kills the whole process group at once (SIGKILL); harmless after exit.
    func kill() {
        guard !hasExited else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    var hasExited: Bool { ending.withLock { $0 } != nil }

    /// How a wait for the child's exit ended.
    struct Exit: Sendable {
        /// "exited with status 3", "killed by signal 6".
        var description: String
        /// True when the child was still running `grace` after the wait began and Ballast killed it.
        var killedAfterGrace: Bool
    }

    /// Waits for the child to exit and reaps it, without holding a thread: polls
    /// `waitpid(WNOHANG)` with pauses growing from 1 ms to 50 ms. It is called
    /// once stdout has ended, when the exit is normally a matter of microseconds;
    /// a child still running `grace` later is killed. (Linux has no exit
    /// notification that NIO's public API can watch, and a blocking `waitpid`
    /// would need a thread per child again.)
    func waitForExit(grace: Duration) async -> Exit {
        let clock = ContinuousClock()
        let killAt = clock.now + grace
        var killed = false
        var pause = Duration.milliseconds(1)
        while true {
            if let description = reapIfExited() { return Exit(description: description, killedAfterGrace: killed) }
            if !killed, clock.now >= killAt {
                killed = true
                kill()
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// Reaps the child if it has exited; nil while it runs.
    private func reapIfExited() -> String? {
        if let known = ending.withLock({ $0 }) { return known }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 || (result < 0 && errno == EINTR) { return nil }
        let description = result < 0 ? "exited (status unknown: \(String(cString: strerror(errno))))" : Self.describe(status)
        ending.withLock { $0 = description }
        return description
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        return "killed by signal \(signal)"
    }
}
