#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// The pipe I/O of every plugin process: its stdin, stdout and stderr become
/// NIO pipe channels on one event-loop thread shared by all plugins, so a
/// plugin costs no thread of its own and nothing blocks in `read` or `write`
/// (NIO owns the non-blocking descriptors, their EINTR and EAGAIN handling).
/// Stdout lines are framed by `LineFrameDecoder` with the protocol's size
/// bound and handed to the `PluginConnection`; stderr lines are forwarded to
/// its log; stdin takes the requests.
enum PluginPipes {
    /// Started with the first plugin, alive for the rest of the process (as NIO's own singletons).
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// The group's one event loop: the thread that reads every plugin's stdout, and so the
    /// one on which request deadlines are scheduled (an answer and its deadline in one order).
    static var eventLoop: any EventLoop { group.next() }

    /// Why a plugin's pipes could not all become channels (they are adopted in
    /// the order stdout, stdin, stderr).
    struct AdoptionFailure: Error {
        /// Whether stdout became a channel (its end then reaps the process).
        var stdoutAdopted: Bool
        var underlying: any Error
    }

    /// Adopts the child's three pipe descriptors; returns the stdin channel. On
    /// failure stdin and stderr are closed; an adopted stdout closes when the
    /// child, which the caller kills, is gone.
    static func adopt(_ process: ChildProcess, for connection: PluginConnection,
                      maximumLineBytes: Int) async throws(AdoptionFailure) -> any Channel {
        var stdoutAdopted = false
        var input: (any Channel)?
        do {
            _ = try await NIOPipeBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes, overlong: .refuse)),
                            StdoutHandler(connection: connection))
                    }
                }
                .takingOwnershipOfDescriptor(input: process.stdoutFD).get()
            stdoutAdopted = true
            let stdin = try await NIOPipeBootstrap(group: group).takingOwnershipOfDescriptor(output: process.stdinFD).get()
            input = stdin
            _ = try await NIOPipeBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: LineRateLimiter.maximumLineBytes, overlong: .truncate)),
                            StderrHandler(connection: connection))
                    }
                }
                .takingOwnershipOfDescriptor(input: process.stderrFD).get()
            return stdin
        } catch {
            if !stdoutAdopted { close(process.stdoutFD) }
            if let input { input.close(promise: nil) } else { close(process.stdinFD) }
            close(process.stderrFD)
            throw AdoptionFailure(stdoutAdopted: stdoutAdopted, underlying: error)
        }
    }
}
