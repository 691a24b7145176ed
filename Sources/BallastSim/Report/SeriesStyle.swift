/// How one line of a report chart is drawn. Every policy has its own colour
/// *and* dash pattern (distinguishable in grey and by colour-blind readers),
/// and demand is a shaded area, so a policy that allocates exactly the demand
/// (the oracle) still leaves the demand visible beneath it.
struct SeriesStyle: Sendable, Hashable {
    /// An SVG colour.
    var color: String
    /// An SVG `stroke-dasharray`; `nil` for a solid line.
    var dash: String?
    /// Shade the area between the line and zero.
    var filled = false

    static func policy(_ policy: PolicyKind) -> SeriesStyle {
        switch policy {
        case .ballast: SeriesStyle(color: "#0072b2", dash: nil)
        case .ballastPredict: SeriesStyle(color: "#56b4e9", dash: "1 2")
        case .ballastQuota: SeriesStyle(color: "#d55e00", dash: "4 4")
        case .static: SeriesStyle(color: "#6e6e6e", dash: "8 4")
        case .mom: SeriesStyle(color: "#e69f00", dash: "2 3")
        case .proxmox: SeriesStyle(color: "#009e73", dash: "10 3 2 3")
        case .oracle: SeriesStyle(color: "#cc3f8f", dash: "5 2")
        }
    }

    static let demand = SeriesStyle(color: "#222222", dash: nil, filled: true)
}
