import BallastCore
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The live dashboard of `ballast run` on a terminal: a tick observer that keeps the
/// dashboard's state and redraws it through the `Console` after every tick and
/// whenever the terminal is resized (SIGWINCH), fitted to the terminal's size.
public final class LiveDashboard: TickObserver {
    private let console: Console
    private let size: @Sendable () -> TerminalSize
    private let state: Mutex<DashboardState>
    private let resizeSource = Mutex<SignalSources?>(nil)

    /// Used when standard output reports no size.
    public static let fallbackSize = TerminalSize(columns: 80, rows: 24)

    public init(console: Console, backend: BackendIdentity,
                size: @escaping @Sendable () -> TerminalSize = { TerminalSize.of(descriptor: STDOUT_FILENO) ?? LiveDashboard.fallbackSize }) {
        self.console = console
        self.size = size
        state = Mutex(DashboardState(backend: backend, logs: console.logDestination))
    }

    /// Takes over the screen with a first frame and redraws on every resize.
    public func start() {
        signal(SIGWINCH, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: DispatchQueue(label: "ballast.resize"))
        source.setEventHandler { [weak self] in self?.update { _ in } }
        source.resume()
        let keep = SignalSources([source])
        resizeSource.withLock { $0 = keep }
        update { _ in }
    }

    /// Stops redrawing on resize (the console gives the screen back).
    public func stop() {
        resizeSource.withLock { kept in
            kept?.sources.forEach { $0.cancel() }
            kept = nil
        }
    }

    /// The endpoint listens at `address` (HOST:PORT).
    public func endpointListening(_ address: String) {
        update { $0.endpoint = address }
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        update { $0.record(report, seconds: seconds) }
    }

    public func tickFailed(_ error: any Error) async {
        update { $0.recordFailure("\(error)") }
    }

    /// Changes the state and draws it, under one lock so frames go out in order.
    private func update(_ change: (inout DashboardState) -> Void) {
        state.withLock { state in
            change(&state)
            state.lastWarning = console.lastWarning
            let size = size()
            console.show(DashboardFrame.render(state, size: size), rows: size.rows)
        }
    }
}
