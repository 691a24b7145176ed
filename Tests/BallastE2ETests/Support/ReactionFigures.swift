import Foundation

/// The reaction times one test run measured, in milliseconds, per figure and per mode
/// (`[events] enabled` true or false), with what could not be measured and why; prints
/// them as the table the issue's closing note asks for.
struct ReactionFigures: Sendable {
    /// One row of the table: a figure measured in both modes.
    enum Figure: String, CaseIterable, Sendable {
        case statsDelay = "(a0) workload start -> libvirt stats show the step (guest's own delay)"
        case targetApplied = "(a) stats show the step -> larger balloon target applied in libvirt"
        case memoryStep = "(a1) stats show the step -> libvirt shows the balloon grown"
        case memoryStepHalf = "(a\") stats show the step -> balloon grown by half the fill"
        case memoryStepFromWorkload = "(a') workload start -> libvirt shows the balloon grown"
        case vmStart = "(b) virsh start returned -> first change applied"
    }

    private var samples: [Figure: [Bool: [Double]]] = [:]
    private(set) var misses: [String] = []

    mutating func record(_ figure: Figure, events: Bool, milliseconds: Double) {
        samples[figure, default: [:]][events, default: []].append(milliseconds)
    }

    mutating func miss(_ what: String) { misses.append(what) }

    func values(_ figure: Figure, events: Bool) -> [Double] { samples[figure]?[events] ?? [] }

    /// The value below which `fraction` of the sorted values lie (nearest rank).
    static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var table: String {
        func cell(_ values: [Double]) -> String {
            guard let median = Self.percentile(values, 0.5), let p95 = Self.percentile(values, 0.95) else {
                return "not measured".padding(toLength: 26, withPad: " ", startingAt: 0)
            }
            return String(format: "%6.0f / %6.0f (n=%2d)      ", median, p95, values.count)
        }
        var lines = ["figure (ms, median / p95)".padding(toLength: 72, withPad: " ", startingAt: 0)
                     + "events on                   events off"]
        for figure in Figure.allCases {
            lines.append(figure.rawValue.padding(toLength: 72, withPad: " ", startingAt: 0)
                         + cell(values(figure, events: true)) + "  " + cell(values(figure, events: false)))
        }
        for figure in Figure.allCases {
            for events in [true, false] {
                let all = values(figure, events: events).map { String(format: "%.0f", $0) }.joined(separator: " ")
                lines.append("  \(figure.rawValue.prefix(4)) events \(events ? "on " : "off"): \(all)")
            }
        }
        lines += misses.map { "  not measured: \($0)" }
        return lines.joined(separator: "\n")
    }
}
