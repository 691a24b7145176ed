import Foundation

/// What `ballast run --log-format json` logged, read back from its log file: when Ballast
/// applied a target in libvirt (the call returned), as opposed to when libvirt's statistics
/// show the guest's balloon moving (QEMU reports balloon changes at most once a second,
/// and a TCG guest takes its time to deflate), and when it logged a given message.
enum DecisionLog {
    /// One applied change, as logged.
    struct Applied: Sendable {
        var at: Date
        var kind: String
        var from: UInt64
        var to: UInt64
    }

    /// Every JSON line of the log at `path` with its timestamp, oldest first.
    private static func entries(path: String) -> [(at: Date, fields: [String: Any])] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let stamps = ISO8601DateFormatter()
        stamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            guard let fields = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let at = (fields["ts"] as? String).flatMap(stamps.date(from:)) else { return nil }
            return (at, fields)
        }
    }

    /// Every applied change to `vm` in the log at `path`, oldest first.
    static func applied(vm: String, path: String) -> [Applied] {
        entries(path: path).compactMap { at, fields in
            guard fields["vm"] as? String == vm, fields["outcome"] as? String == "applied",
                  let kind = fields["kind"] as? String,
                  let from = (fields["from"] as? String).flatMap(UInt64.init),
                  let to = (fields["to"] as? String).flatMap(UInt64.init) else { return nil }
            return Applied(at: at, kind: kind, from: from, to: to)
        }
    }

    /// Every change to `vm` that was not applied (outcome `failed` or `skipped`), with its
    /// message and the detail that says why, oldest first.
    static func notApplied(vm: String, path: String) -> [(at: Date, outcome: String, message: String, detail: String)] {
        entries(path: path).compactMap { at, fields in
            guard fields["vm"] as? String == vm, let outcome = fields["outcome"] as? String, outcome != "applied" else {
                return nil
            }
            return (at, outcome, fields["msg"] as? String ?? "", fields["detail"] as? String ?? "")
        }
    }

    /// When the daemon first logged a message starting with `prefix` at or after `after`.
    static func first(messageStartingWith prefix: String, path: String, after: Date) -> Date? {
        entries(path: path).first { at, fields in
            at >= after && (fields["msg"] as? String)?.hasPrefix(prefix) == true
        }?.at
    }

    /// When the first balloon growth of `vm` at or after `after` was applied.
    static func firstMemoryGrowth(vm: String, path: String, after: Date) -> Date? {
        applied(vm: vm, path: path).first { $0.kind == "memory" && $0.to > $0.from && $0.at >= after }?.at
    }
}
