import Foundation

/// The changes `ballast run --log-format json` logged, read back from its log file: when
/// Ballast applied a target in libvirt (the call returned), as opposed to when libvirt's
/// statistics show the guest's balloon moving (QEMU reports balloon changes at most once a
/// second, and a TCG guest takes its time to deflate).
enum DecisionLog {
    /// One applied change, as logged.
    struct Applied: Sendable {
        var at: Date
        var kind: String
        var from: UInt64
        var to: UInt64
    }

    /// Every applied change to `vm` in the JSON log at `path`, oldest first.
    static func applied(vm: String, path: String) -> [Applied] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let stamps = ISO8601DateFormatter()
        stamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["vm"] as? String == vm, object["outcome"] as? String == "applied",
                  let kind = object["kind"] as? String,
                  let at = (object["ts"] as? String).flatMap(stamps.date(from:)),
                  let from = (object["from"] as? String).flatMap(UInt64.init),
                  let to = (object["to"] as? String).flatMap(UInt64.init) else { return nil }
            return Applied(at: at, kind: kind, from: from, to: to)
        }
    }

    /// When the daemon first logged a message starting with `prefix` at or after `after`.
    static func first(messageStartingWith prefix: String, path: String, after: Date) -> Date? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let stamps = ISO8601DateFormatter()
        stamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  (object["msg"] as? String)?.hasPrefix(prefix) == true,
                  let at = (object["ts"] as? String).flatMap(stamps.date(from:)), at >= after else { continue }
            return at
        }
        return nil
    }

    /// When the first balloon growth of `vm` at or after `after` was applied.
    static func firstMemoryGrowth(vm: String, path: String, after: Date) -> Date? {
        applied(vm: vm, path: path).first { $0.kind == "memory" && $0.to > $0.from && $0.at >= after }?.at
    }
}
