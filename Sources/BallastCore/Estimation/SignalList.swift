/// The signals behind one demand estimate, in the order they were raised, read as a
/// collection of `Signal`.
///
/// Why not `[Signal]`: the estimator raises two to four signals for every VM every
/// tick, and an array per estimate was the tick's only per-VM heap allocation (10,000
/// `malloc`s and `free`s a tick at 10,000 VMs, plus a retain and a release each time a
/// view was copied). So the first `inlineCapacity` signals the estimator raises are kept
/// in the estimate itself, as a `SignalKind` (one byte: the name and note are fixed
/// texts) and a value each; copying a list of them retains nothing. Signals given as
/// `Signal` values (plugins, the wire, tests), and any kind raised past the inline
/// ones, go to an array after them, so the order raised is the order read.
///
/// Equal, hashed and encoded as the sequence of signals it holds, however stored: on
/// the wire it is the same JSON array `[Signal]` was.
public struct SignalList: Sendable, RandomAccessCollection, ExpressibleByArrayLiteral, Hashable, Codable {
    /// Signals kept inline before the array is used.
    public static let inlineCapacity = 4

    private var inlineCount = 0
    private var kinds: (SignalKind, SignalKind, SignalKind, SignalKind) = (.cpuUsage, .cpuUsage, .cpuUsage, .cpuUsage)
    private var values: (Double, Double, Double, Double) = (0, 0, 0, 0)
    /// The signals after the inline ones; `nil` while there are none.
    private var overflow: [Signal]?

    public init() {}

    public init(_ signals: some Sequence<Signal>) {
        let array = Array(signals)
        overflow = array.isEmpty ? nil : array
    }

    public init(arrayLiteral signals: Signal...) {
        self.init(signals)
    }

    /// Raises a signal of a fixed kind: inline while there is room and nothing was put after them.
    public mutating func append(_ kind: SignalKind, value: Double) {
        guard overflow == nil, inlineCount < Self.inlineCapacity else {
            append(Signal(name: kind.name, value: value, note: kind.note))
            return
        }
        switch inlineCount {
        case 0: (kinds.0, values.0) = (kind, value)
        case 1: (kinds.1, values.1) = (kind, value)
        case 2: (kinds.2, values.2) = (kind, value)
        default: (kinds.3, values.3) = (kind, value)
        }
        inlineCount += 1
    }

    public mutating func append(_ signal: Signal) {
        if overflow == nil {
            overflow = [signal]
        } else {
            overflow?.append(signal)
        }
    }

    // MARK: - Collection

    public var startIndex: Int { 0 }
    public var endIndex: Int { inlineCount + (overflow?.count ?? 0) }

    public subscript(position: Int) -> Signal {
        if position >= 0, position < inlineCount {
            let (kind, value) = inline(position)
            return Signal(name: kind.name, value: value, note: kind.note)
        }
        guard let overflow, position >= inlineCount else {
            preconditionFailure("signal index \(position) out of range 0..<\(endIndex)")
        }
        return overflow[position - inlineCount]
    }

    private func inline(_ position: Int) -> (SignalKind, Double) {
        switch position {
        case 0: (kinds.0, values.0)
        case 1: (kinds.1, values.1)
        case 2: (kinds.2, values.2)
        default: (kinds.3, values.3)
        }
    }

    // MARK: - As the sequence of signals

    public static func == (lhs: SignalList, rhs: SignalList) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for signal in self { hasher.combine(signal) }
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([Signal].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Array(self))
    }
}
