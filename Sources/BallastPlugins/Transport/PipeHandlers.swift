import NIOCore

/// Hands each stdout line to the connection, fails it by the cause when
/// framing or reading breaks, and tells it when stdout has ended.
final class StdoutHandler: ChannelInboundHandler {
    typealias InboundIn = [UInt8]
    private let connection: PluginConnection
    /// Set when stdout ended inside a line; reported with the exit status.
    private var partialLineBytes: Int?

    init(connection: PluginConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.receive(line: unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch StdoutFault(error, plugin: connection.pluginName) {
        case .endedInsideLine(let bytes):
            partialLineBytes = bytes
        case .fatal(let failure):
            connection.failAndKill(failure)
            context.close(promise: nil)
        case .alreadyReported:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.stdoutEnded(partialLineBytes: partialLineBytes)
    }
}

/// Forwards stderr lines to the connection's rate-limited log. Its end or a
/// read error only ends the forwarding: stdout decides the connection's fate.
final class StderrHandler: ChannelInboundHandler {
    typealias InboundIn = [UInt8]
    private let connection: PluginConnection

    init(connection: PluginConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.forwardStderr(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
