import Foundation

/// Holds `count` idle TCP connections to a loopback port from a child process
/// (python3), sending nothing on them, until `release()`.
///
/// Why a child process and not sockets in the test process: the test process then
/// holds thousands of descriptors while other suites start tools through Foundation's
/// `Process`, whose Linux `run()` reads `/proc/self/fd` with a 256-byte over-read per
/// entry (swift-corelibs-foundation PR 5472) and crashes the whole test run when the
/// directory is that large. An operator's flood comes from another process too.
final class IdleConnectionHolder: Sendable {
    private let process: Process
    private let input: FileHandle

    /// Python: raise its own descriptor limit, connect `count` times, report, wait for
    /// standard input to close (the test released it, or the test process died).
    private static let script = """
        import resource, socket, sys
        port, count = int(sys.argv[1]), int(sys.argv[2])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < count + 64:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 64), hard))
        held = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(count)]
        print("holding", len(held), flush=True)
        sys.stdin.read()
        """

    private init(process: Process, input: FileHandle) {
        self.process = process
        self.input = input
    }

    /// Starts the holder and returns once every connection is open, or throws with
    /// what the holder printed.
    static func open(_ count: Int, port: Int) async throws -> IdleConnectionHolder {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(port), String(count)]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let holder = IdleConnectionHolder(process: process, input: input.fileHandleForWriting)
        let firstLine = try await RawConnection.offPool { Self.readLine(output.fileHandleForReading) }
        guard firstLine == "holding \(count)" else {
            holder.release()
            throw ToolFailure(description: "the idle-connection holder did not open \(count) connections: \(firstLine)")
        }
        return holder
    }

    /// Closes every held connection: the holder reads end of input and exits.
    func release() {
        try? input.close()
        process.waitUntilExit()
    }

    /// Reads up to the first newline or end of stream (then everything the holder printed).
    private static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first {
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
